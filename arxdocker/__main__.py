from arxdocker.cli import main

raise SystemExit(main())
