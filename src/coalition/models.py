"""The models registry: imports every domain's models so the metadata is complete
(Alembic's autogenerate, the catalog tests). One line per domain; nothing in src/
imports this module, since it imports every domain."""

from coalition.audit import models as audit  # noqa: F401
from coalition.auth import models as auth  # noqa: F401
from coalition.db.base import Base
from coalition.demand import models as demand  # noqa: F401
from coalition.events import models as events  # noqa: F401
from coalition.funds import models as funds  # noqa: F401
from coalition.outcomes import models as outcomes  # noqa: F401
from coalition.pathways import models as pathways  # noqa: F401
from coalition.skills import models as skills  # noqa: F401
from coalition.supply import models as supply  # noqa: F401
from coalition.tenancy import models as tenancy  # noqa: F401

__all__ = ["Base"]
