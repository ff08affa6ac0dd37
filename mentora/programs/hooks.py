"""What programs tells the apps above it about people joining (see mentora.hooks).

Each is called inside the service's transaction, with the arguments shown. A
person comes with the memberships the news is about, all in one program or
several (an import, an account-wide acceptance): listeners group them.
"""

from mentora.hooks import Hook

# Set-password invitations queued (an invite, a resend, an import); `resent`
# when the person was invited before and has not accepted yet.
# (people: list[tuple[User, list[Membership]]], *, by: User | None, resent: bool)
people_invited = Hook("people_invited")
# Memberships that now count as joined: the person accepted their invitation
# (every active membership), or an account already in use was added.
# (people: list[tuple[User, list[Membership]]])
people_joined = Hook("people_joined")
