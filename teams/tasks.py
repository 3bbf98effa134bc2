import socket

from celery import shared_task


@shared_task(ignore_result=False)
def ping_task(token: str) -> dict:
    """Echo a token: how operators and CI prove a worker consumes the queue."""
    return {"token": token, "worker": socket.gethostname()}
