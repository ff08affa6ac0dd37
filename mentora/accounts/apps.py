from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mentora.accounts"
    label = "accounts"
    verbose_name = "Accounts and profiles"

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_added

        from mentora.accounts.second_factor import record_activation

        authenticator_added.connect(record_activation, dispatch_uid="mentora-mfa-activation")
        self._sign_out_elsewhere_on_password_change()

    @staticmethod
    def _sign_out_elsewhere_on_password_change() -> None:
        from allauth.account.signals import password_changed, password_reset, password_set

        from mentora.accounts.sessions import on_password_changed

        for signal in (password_changed, password_set, password_reset):
            signal.connect(on_password_changed, dispatch_uid="mentora-sessions-password")
