"""Who an e-mail may go to: the one rule every mail path asks (billing notices, campaign
messages, support replies, the newsletter's confirmation).

A deleted account keeps a stand-in row (apps.tracking's erasure: a tombstone address on the
never-delivered domain `deleted.invalid`, no password, inactive) because accounting keeps its
invoices. The e-mail confirming the deletion is its last: it goes to the address the account
had, carried on the notice itself; nothing is ever sent to the stand-in.
"""

# The domain of an erased account's tombstone address (RFC 2606: never delivered).
ERASED_DOMAIN = "deleted.invalid"


def address_deliverable(address: str | None) -> bool:
    """Whether anything may be sent to `address`: not empty, not a deleted account's stand-in."""
    address = (address or "").strip()
    return bool(address) and not address.lower().endswith("@" + ERASED_DOMAIN)


def account_deleted(account) -> bool:
    """Whether the account was deleted (its row is the stand-in the erasure left)."""
    return not account.is_active and (account.email or "").lower().endswith("@" + ERASED_DOMAIN)


def mail_address(account) -> str:
    """The address to write to about `account`, or "" when there is none to write to (no
    address, or the account was deleted)."""
    if account is None or account_deleted(account) or not address_deliverable(account.email):
        return ""
    return account.email
