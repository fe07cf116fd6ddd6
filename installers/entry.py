"""Entry point of the frozen bundle: the window by default, the CLI with ``--cli``.

``MedAssist`` (no arguments, or a file to open) starts the window; ``MedAssist --cli code note.txt`` runs the
command line, so one bundle serves double-click users and batch mode.
"""

from __future__ import annotations

import sys


def run() -> int:
    import multiprocessing

    # a worker process of `MedAssist --cli code --jobs N` starts as this executable: let it run its task
    multiprocessing.freeze_support()
    from medassist.netguard import install

    install()
    # Keyring: entry-point-discovered backends vanish when frozen (FACTS.md); medassist.store.keys names the
    # OS backends explicitly (WinVault, macOS Keychain, SecretService, KWallet), so nothing to set up here.
    if len(sys.argv) > 1 and sys.argv[1] == "--cli":
        from medassist.cli import main as cli_main

        return cli_main(sys.argv[2:])
    from ui.app import main as app_main

    return app_main() or 0


if __name__ == "__main__":
    sys.exit(run())
