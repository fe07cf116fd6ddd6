"""Light and dark themes (Fusion style + QPalette, a little QSS)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

LIGHT = {
    "window": "#f4f6f8", "base": "#ffffff", "alt": "#eef1f4", "text": "#1f2933", "button": "#e4e7eb",
    "highlight": "#2b6cb0", "htext": "#ffffff", "link": "#1d4ed8", "disabled": "#9aa5b1", "tip": "#fffbe6",
}
DARK = {
    "window": "#1e2126", "base": "#15171a", "alt": "#23272e", "text": "#e4e7eb", "button": "#2d3239",
    "highlight": "#3b82f6", "htext": "#ffffff", "link": "#93c5fd", "disabled": "#6b7280", "tip": "#2d3239",
}


def palette(name: str) -> QPalette:
    c = DARK if name == "dark" else LIGHT
    p = QPalette()
    p.setColor(QPalette.Window, QColor(c["window"]))
    p.setColor(QPalette.WindowText, QColor(c["text"]))
    p.setColor(QPalette.Base, QColor(c["base"]))
    p.setColor(QPalette.AlternateBase, QColor(c["alt"]))
    p.setColor(QPalette.Text, QColor(c["text"]))
    p.setColor(QPalette.Button, QColor(c["button"]))
    p.setColor(QPalette.ButtonText, QColor(c["text"]))
    p.setColor(QPalette.Highlight, QColor(c["highlight"]))
    p.setColor(QPalette.HighlightedText, QColor(c["htext"]))
    p.setColor(QPalette.Link, QColor(c["link"]))
    p.setColor(QPalette.ToolTipBase, QColor(c["tip"]))
    p.setColor(QPalette.ToolTipText, QColor(c["text"]))
    p.setColor(QPalette.PlaceholderText, QColor(c["disabled"]))
    for role in (QPalette.WindowText, QPalette.Text, QPalette.ButtonText):
        p.setColor(QPalette.Disabled, role, QColor(c["disabled"]))
    return p


def apply_theme(app, name: str) -> str:
    """Apply ``light`` or ``dark`` to the application; returns the name applied."""
    name = "dark" if name == "dark" else "light"
    app.setStyle("Fusion")
    app.setPalette(palette(name))
    app.setProperty("medassistTheme", name)
    c = DARK if name == "dark" else LIGHT
    app.setStyleSheet(
        f"QToolTip {{ color: {c['text']}; background: {c['tip']}; border: 1px solid {c['disabled']}; }}"
        f"QTabBar::tab:selected {{ font-weight: 600; }}"
    )
    return name
