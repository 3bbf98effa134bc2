"""Platform connectors behind one interface (see ``base``).

``connector_for(account)`` builds the connector an account is configured for,
with its decrypted credentials.
"""

from ..crypto import decrypt_credentials
from .base import (
    AuthConnectorError,
    Connector,
    ConnectorError,
    HealthResult,
    Interaction,
    MetricPoint,
    PermanentConnectorError,
    PublishContent,
    PublishResult,
    ReplyResult,
    TransientConnectorError,
)

__all__ = [
    "AuthConnectorError", "Connector", "ConnectorError", "HealthResult", "Interaction",
    "MetricPoint", "PermanentConnectorError", "PublishContent", "PublishResult",
    "ReplyResult", "TransientConnectorError", "connector_for",
]


def connector_for(account) -> Connector:
    """The connector for ``account`` (sandbox or a real API client)."""
    from ..crypto import CredentialsError
    from ..models import ConnectorKind

    try:
        credentials = decrypt_credentials(account.credentials_ciphertext)
    except CredentialsError as exc:
        raise AuthConnectorError(str(exc)) from exc
    if account.connector == ConnectorKind.WECHAT_OFFICIAL_ACCOUNT:
        from .wechat_official_account import WeChatOfficialAccountConnector

        if not credentials.get("app_id") or not credentials.get("app_secret"):
            raise AuthConnectorError("The account has no WeChat app id and secret on file.")
        return WeChatOfficialAccountConnector(
            account, app_id=credentials["app_id"], app_secret=credentials["app_secret"]
        )
    from .sandbox import SandboxConnector

    return SandboxConnector(account, credentials)
