from __future__ import annotations

import sys

from wargame.engine.scenario.cli import main

sys.exit(main())
