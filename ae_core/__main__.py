import sys

from ae_core.cli import main

sys.exit(main())
