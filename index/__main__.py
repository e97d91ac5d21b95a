"""Entry point for `python -m index`."""

from .cli import main

if __name__ == "__main__":
    main()
