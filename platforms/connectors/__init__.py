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
    OutcomeUnknownError,
    PermanentConnectorError,
    PublicationLookup,
    PublishContent,
    PublishResult,
    ReplyResult,
    ReplyWindowClosedError,
    TransientConnectorError,
    scrub,
)

__all__ = [
    "AuthConnectorError", "Connector", "ConnectorError", "HealthResult", "Interaction",
    "MetricPoint", "OutcomeUnknownError", "PermanentConnectorError", "PublicationLookup",
    "PublishContent", "PublishResult", "ReplyResult", "ReplyWindowClosedError",
    "TransientConnectorError", "connector_for", "scrub",
]


def connector_for(account) -> Connector:
    """The connector for ``account`` (sandbox or a real API client).

    Raises ``AuthConnectorError`` when the stored credentials cannot be read or
    lack what the real connector needs.
    """
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
    if account.connector == ConnectorKind.WEIBO:
        from .weibo import WeiboConnector

        if not credentials.get("access_token"):
            raise AuthConnectorError("The account has no Weibo access token on file.")
        return WeiboConnector(
            account,
            access_token=credentials["access_token"],
            app_key=credentials.get("app_key", ""),
            app_secret=credentials.get("app_secret", ""),
            refresh_token=credentials.get("refresh_token", ""),
            uid=credentials.get("uid", "") or getattr(account, "external_id", ""),
        )
    from .sandbox import SandboxConnector

    return SandboxConnector(account, credentials)
