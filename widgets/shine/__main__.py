import sys

from shine.cli import main

sys.exit(main())
