"""The yardstick: the smallest Typer app that prints a Rich panel (what any Typer+Rich lookup must pay)."""

import typer
from rich.console import Console
from rich.panel import Panel

app = typer.Typer(add_completion=False)


@app.command()
def main(name: str = "world") -> None:
    """Print a greeting in a panel."""
    Console().print(Panel(f"Hello, {name}"))


if __name__ == "__main__":
    app()
