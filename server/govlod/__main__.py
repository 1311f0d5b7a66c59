import sys

from govlod.cli import main

sys.exit(main())
