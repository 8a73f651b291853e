"""Audit sign-ins, sign-outs and failed sign-ins."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from himoya.audit.actions import Action, record


@receiver(user_logged_in, dispatch_uid="himoya_audit_login")
def audit_login(sender, request, user, **kwargs):
    record(Action.LOGIN, actor=user, obj=user, request=request)


@receiver(user_logged_out, dispatch_uid="himoya_audit_logout")
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        record(Action.LOGOUT, actor=user, obj=user, request=request)


@receiver(user_login_failed, dispatch_uid="himoya_audit_failed_login")
def audit_failed_login(sender, credentials, request=None, **kwargs):
    # Only the user name that was typed; never the password.
    record(
        Action.FAILED_LOGIN,
        object_type="username",
        object_id=str(credentials.get("username", ""))[:64],
        request=request,
    )
