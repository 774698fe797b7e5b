"""`python -m tftransfer`: the `tftransfer` command (`tftransfer.cli`)."""

from tftransfer.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
