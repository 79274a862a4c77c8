"""The domain: data and rules, with no Starlette and no NiceGUI (docs/ARCHITECTURE.md)."""
