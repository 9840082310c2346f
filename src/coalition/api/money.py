"""Money in GraphQL: integer minor units as a string, plus an ISO 4217 currency code.

GraphQL ``Int`` is 32-bit (5,000,000,000 cents does not fit) and floats lose
cents, so amounts travel as decimal strings of whole minor units ("2350" is
$23.50). Services keep integers; only this module converts.
"""

from __future__ import annotations

import strawberry

from coalition.money import format_money


@strawberry.type(description="An amount of money: whole minor units (cents) and a currency.")
class Money:
    amount_minor: str = strawberry.field(
        description="The amount in minor units (cents for USD), as a decimal integer string: "
        "2350 is 23.50."
    )
    currency: str = strawberry.field(description="ISO 4217 currency code, e.g. USD.")
    formatted: str = strawberry.field(
        description='For people, in US English conventions: "$1,234.56", "-$5.00", "¥1,234".'
    )

    @classmethod
    def of(cls, amount_minor: int | None, currency: str) -> Money | None:
        """The GraphQL value for an amount, or None when there is no amount."""
        if amount_minor is None:
            return None
        return cls.amount(amount_minor, currency)

    @classmethod
    def amount(cls, amount_minor: int, currency: str) -> Money:
        """The GraphQL value for an amount that is always there."""
        return cls(
            amount_minor=str(amount_minor),
            currency=currency,
            formatted=format_money(amount_minor, currency),
        )


@strawberry.input(description="An amount of money: whole minor units (cents) and a currency.")
class MoneyInput:
    amount_minor: str = strawberry.field(
        description="The amount in minor units (cents for USD), as a decimal integer string: "
        "2350 is 23.50."
    )
    currency: str = strawberry.field(description="ISO 4217 currency code, e.g. USD.")


__all__ = ["Money", "MoneyInput"]
