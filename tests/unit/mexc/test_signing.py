from adapters.mexc.signing import encode_query, sign, signed_query

DOC_SECRET = "45d0b3c26f2644f19bfb98b07741b2f5"


def test_sign_matches_the_mexc_documentation_vector() -> None:
    total = ("symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=11&recvWindow=5000"
             "&timestamp=1644489390087")
    assert sign(DOC_SECRET, total) == (
        "fd3e4e8543c5188531eb7279d68ae7d26a573d0fc5ab0d18eb692451654d837a")


def test_sign_of_query_and_body_joined_without_ampersand_matches_the_second_vector() -> None:
    total = ("symbol=BTCUSDT&side=BUY&type=LIMIT" "quantity=1&price=11&recvWindow=5000"
             "&timestamp=1644489390087")
    assert sign(DOC_SECRET, total) == (
        "d1a676610ceb39174c8039b3f548357994b2a34139a8addd33baadba65684592")


def test_signed_query_appends_the_signature_of_the_exact_query() -> None:
    params = [("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "LIMIT"), ("quantity", "1"),
              ("price", "11"), ("recvWindow", "5000"), ("timestamp", "1644489390087")]
    assert signed_query(DOC_SECRET, params).endswith(
        "&timestamp=1644489390087&signature="
        "fd3e4e8543c5188531eb7279d68ae7d26a573d0fc5ab0d18eb692451654d837a")


def test_encode_query_escapes_in_upper_case_and_keeps_order() -> None:
    assert encode_query([("symbols", "A,B"), ("x", "1")]) == "symbols=A%2CB&x=1"
