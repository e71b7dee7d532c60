"""The English interface shows the same Swedish data the same way (issue 12): dates as
ÅÅÅÅ-MM-DD, times as 14:05 (see the Swedish module)."""

from config.formats.sv.formats import *  # noqa: F403
