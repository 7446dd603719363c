"""The bundled catalogue loads and the basic commands answer."""

from conftest import Run


def test_bundled_catalogue_is_valid(faq) -> None:
    run: Run = faq("validate")
    assert run.status == 0, run.out
    assert "catalogue is valid" in run.out


def test_ask_answers_from_bundled_catalogue(faq) -> None:
    run = faq("ask", "Who is Vladimir Alekseyev?")
    assert run.status == 0
    assert "Who is Vladimir Alekseyev?" in run.out
