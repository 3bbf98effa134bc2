import logging

from celery import shared_task

from .services import accounts_check_expiry

logger = logging.getLogger("campaignops.platforms")


@shared_task
def accounts_check_expiry_task() -> dict:
    """Daily: warn 30 days before qualifications lapse, mark lapsed accounts expired."""
    result = accounts_check_expiry()
    logger.info("Qualification expiry check: %s", result)
    return result
