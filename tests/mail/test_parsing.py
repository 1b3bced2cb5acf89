"""Raw messages, friendly and hostile, read by requests_tracker/mail/parsing.py (no database)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from email.message import EmailMessage
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

import pytest

from requests_tracker.mail.parsing import (
    SAFE_DEPTH,
    Limits,
    MessageRefused,
    ParsedMessage,
    html_to_text,
    parse_message,
)

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n\x00\xff%%EOF\n"


def reply(body: str = "Records attached.", **headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = headers.pop("From", "Jane Clerk <Jane.Clerk@County.Example.gov>")
    message["To"] = headers.pop("To", "Tracker+r12-abc@News.Example")
    message["Subject"] = headers.pop("Subject", "Re: DOJ request")
    message["Date"] = headers.pop("Date", "Tue, 05 Aug 2025 10:30:00 -0700")
    message["Message-ID"] = headers.pop("Message_ID", "<reply-1@county.example.gov>")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


def nested(depth: int) -> bytes:
    """A message whose parts are multiparts `depth` levels deep."""
    opening = b"".join(
        b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (level, level)
        for level in range(depth)
    )
    closing = b"".join(b"\r\n--b%d--" % level for level in reversed(range(depth)))
    return b"From: a@example.com\r\n" + opening + b"Content-Type: text/plain\r\n\r\nhi" + closing


def test_a_plain_reply_with_a_pdf_keeps_the_bytes_name_and_declared_type():
    message = reply("We have attached the records.\n\nJane")
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="records.pdf")

    parsed = parse_message(message.as_bytes())

    assert isinstance(parsed, ParsedMessage)
    assert parsed.text == "We have attached the records.\n\nJane"
    assert parsed.quoted == ""
    assert parsed.sender == "jane.clerk@county.example.gov"
    assert parsed.sender_name == "Jane Clerk"
    assert parsed.subject == "Re: DOJ request"
    assert parsed.message_id == "reply-1@county.example.gov"
    assert parsed.sent_at == datetime(2025, 8, 5, 10, 30, tzinfo=timezone(timedelta(hours=-7)))
    assert parsed.headers["From"] == "Jane Clerk <Jane.Clerk@County.Example.gov>"
    assert parsed.headers["Subject"] == "Re: DOJ request"
    assert set(parsed.headers) == {"From", "To", "Subject", "Date", "Message-ID"}
    [attachment] = parsed.attachments
    assert attachment.data == PDF
    assert attachment.filename == "records.pdf"
    assert attachment.declared_type == "application/pdf"
    assert parsed.notes == ()


def test_quoted_text_is_split_from_the_reply():
    body = (
        "Here is our answer.\n"
        "> An interleaved question\n"
        "And more of our answer.\n"
        "\n"
        "On Mon, Aug 4, 2025 at 9:00 AM Reporter <reporter@news.example>\n"
        "wrote:\n"
        "> Dear clerk,\n"
        ">\n"
        ">> The DOJ letter of July 17 asked for voter rolls.\n"
    )
    parsed = parse_message(reply(body).as_bytes())

    assert parsed.text == "Here is our answer.\nAnd more of our answer."
    assert parsed.quoted.splitlines() == [
        "An interleaved question",
        "On Mon, Aug 4, 2025 at 9:00 AM Reporter <reporter@news.example>",
        "wrote:",
        "Dear clerk,",
        "",
        "> The DOJ letter of July 17 asked for voter rolls.",
    ]


def test_an_outlook_reply_header_starts_the_quoted_text():
    body = "See below.\n\n-----Original Message-----\nFrom: Reporter\nSent: Monday\n\nOld text\n"
    parsed = parse_message(reply(body).as_bytes())

    assert parsed.text == "See below."
    assert parsed.quoted.startswith("-----Original Message-----\nFrom: Reporter")
    assert parsed.quoted.endswith("Old text")


def test_an_html_only_message_is_shown_as_text_without_script_or_markup():
    html = (
        "<html><head><title>Hidden title</title><style>p { color: red }</style></head>"
        "<body><script>alert(1)</script><noscript>no script</noscript>"
        '<p onclick="alert(2)">Caf&eacute; &amp; records&nbsp;attached</p>'
        "<div>Line one<br>Line two</div><ul><li>first</li><li>second</li></ul>"
        "<!-- a comment --><template>template text</template></body></html>"
    )
    message = reply()
    message.set_content(html, subtype="html")

    parsed = parse_message(message.as_bytes())

    assert parsed.text == "Café & records attached\n\nLine one\nLine two\nfirst\nsecond"
    assert "alert" not in parsed.text
    assert "<" not in parsed.text
    for hidden in ("Hidden title", "color", "no script", "comment", "template text"):
        assert hidden not in parsed.text
    assert "The HTML body was shown as text." in parsed.notes


@pytest.mark.parametrize(
    "html",
    [
        "<p>unclosed <b>tags <i>everywhere",
        "<<<>>><a href='x>text</a",
        "<!-- never closed " + "<!--" * 20_000,
        "<![CDATA[ x ]]> <? pi ?> <!DOCTYPE html> text",
        "<script/>alert(1)</script>after",
        "</p></div></body></html>",
        "&#0; &#x110000; &bogus; &amp",
        "<" * 50_000,
        "<a" + " x='" * 20_000,
        "",
    ],
)
def test_html_to_text_never_raises_on_hostile_markup(html):
    text = html_to_text(html)
    assert isinstance(text, str)
    assert "alert" not in text


def test_html_to_text_drops_hidden_elements_and_makes_lines():
    html = "<h1>Title</h1><table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>x"
    assert html_to_text(html) == "Title\n\na b\nc\n\nx"
    assert html_to_text("<p>  many    spaces \n\n here </p>") == "many spaces here"


def test_multipart_alternative_picks_the_plain_text():
    message = reply("The plain words.")
    message.add_alternative("<p>The <b>HTML</b> words.</p>", subtype="html")

    parsed = parse_message(message.as_bytes())

    assert parsed.text == "The plain words."
    assert "The HTML body was shown as text." not in parsed.notes
    assert parsed.attachments == ()


def test_encoded_subject_and_sender_name_are_decoded():
    message = reply(
        Subject="=?utf-8?b?UmU6IFLDqXBvbnNlIGR1IGNvbXTDqQ==?=",
        From="=?iso-8859-1?q?Jos=E9_Pe=F1a?= <jose@county.example.gov>",
    )

    parsed = parse_message(message.as_bytes())

    assert parsed.subject == "Re: Réponse du comté"
    assert parsed.sender_name == "José Peña"
    assert parsed.sender == "jose@county.example.gov"
    assert parsed.headers["Subject"] == "Re: Réponse du comté"


@pytest.mark.parametrize("encoding", ["quoted-printable", "base64"])
def test_transfer_encoded_bodies_are_decoded(encoding):
    body = "Naïve café — the records are attached.\n" + "long line " * 30
    message = reply()
    message.set_content(body, cte=encoding)
    assert encoding in message.as_string()

    assert parse_message(message.as_bytes()).text == body.strip()


def test_a_latin_1_body_is_decoded():
    message = MIMEText("Café, señor.\n", "plain", "iso-8859-1")
    message["From"] = "clerk@county.example.gov"
    raw = message.as_bytes()
    assert b"Caf\xe9" in raw or b"Caf=E9" in raw

    assert parse_message(raw).text == "Café, señor."


def test_an_unknown_charset_is_read_as_utf_8_with_a_note():
    raw = (
        b"From: clerk@county.example.gov\r\nContent-Type: text/plain; charset=x-no-such-charset\r\n"
        b"\r\nCaf\xc3\xa9 \xff done\r\n"
    )
    parsed = parse_message(raw)

    assert parsed.text == "Café \ufffd done"
    assert any("x-no-such-charset" in note for note in parsed.notes)


def test_control_characters_are_removed_from_the_text():
    raw = b"From: a@example.com\r\n\r\nline\x00 one\x1b[31m\r\n\ttabbed\x7f\r\n"
    assert parse_message(raw).text == "line one[31m\n\ttabbed"


def test_a_forwarded_message_keeps_its_text_and_attachment():
    doj = reply(
        "Dear clerk, please provide the voter rolls.",
        From="Civil Rights Division <crt@usdoj.example.gov>",
        Subject="Request for voter registration list",
    )
    doj.add_attachment(PDF, maintype="application", subtype="pdf", filename="doj-letter.pdf")
    message = reply("Forwarding the DOJ letter we received.")
    message.add_attachment(doj)

    parsed = parse_message(message.as_bytes())

    assert parsed.text == "Forwarding the DOJ letter we received."
    assert parsed.quoted == (
        "Forwarded message from Civil Rights Division <crt@usdoj.example.gov>: "
        "Request for voter registration list\n"
        "Dear clerk, please provide the voter rolls."
    )
    [attachment] = parsed.attachments
    assert (attachment.filename, attachment.data) == ("doj-letter.pdf", PDF)


def test_an_inline_forwarded_message_goes_to_quoted_under_its_sender():
    body = (
        "FYI, see below.\n\n"
        "---------- Forwarded message ---------\n"
        "From: DOJ Civil Rights <crt@usdoj.example.gov>\n"
        "Date: Thu, Jul 17, 2025 at 9:00 AM\n"
        "Subject: Voter list request\n"
        "To: <clerk@county.example.gov>\n"
        "\n"
        "Please send the statewide voter registration list.\n"
    )
    parsed = parse_message(reply(body).as_bytes())

    assert parsed.text == "FYI, see below."
    assert parsed.quoted == (
        "Forwarded message from DOJ Civil Rights <crt@usdoj.example.gov>: Voter list request\n"
        "\nPlease send the statewide voter registration list."
    )


def test_a_20_mb_header_is_refused_before_it_is_parsed():
    raw = b"X-Padding: " + b"a" * (20 * 1024 * 1024) + b"\r\n\r\nbody\r\n"

    with pytest.raises(MessageRefused) as refused:
        parse_message(raw)

    assert str(refused.value) == "The message's headers are over 256 KB; at most 256 KB are read."


def test_a_thousand_parts_are_refused_with_the_count():
    message = MIMEMultipart()
    for number in range(999):
        message.attach(MIMEText(f"part {number}"))

    with pytest.raises(MessageRefused) as refused:
        parse_message(message.as_bytes())

    assert str(refused.value) == "The message has at least 1,000 parts; at most 100 are read."


def test_parts_the_parser_makes_are_counted_again_after_parsing():
    """A delivery report's header blocks become parts only in the parser: the count after
    parsing catches them."""
    blocks = b"\r\n".join(b"Final-Recipient: rfc822; u%d@example.com\r\n" % n for n in range(5))
    raw = b"From: a@example.com\r\nContent-Type: message/delivery-status\r\n\r\n" + blocks

    with pytest.raises(MessageRefused) as refused:
        parse_message(raw, Limits(max_parts=3))

    assert str(refused.value) == "The message has 6 parts; at most 3 are read."
    assert parse_message(raw).text == ""


def test_a_thousand_levels_of_nesting_are_refused_without_recursion_error():
    with pytest.raises(MessageRefused) as refused:
        parse_message(nested(1000))

    assert str(refused.value) == (
        "The message nests parts more than 10 levels deep; at most 10 levels are read."
    )


def test_deep_nesting_is_refused_even_when_the_limits_allow_it():
    """The email package recurses per level: past SAFE_DEPTH levels a message is refused
    whatever the limits say."""
    limits = Limits(max_depth=5000, max_parts=5000)
    with pytest.raises(MessageRefused) as refused:
        parse_message(nested(1200), limits)

    assert str(refused.value) == (
        f"The message nests parts more than {SAFE_DEPTH} levels deep; "
        f"at most {SAFE_DEPTH} levels are read."
    )
    assert parse_message(nested(SAFE_DEPTH), limits).text == "hi"


def test_nested_forwarded_messages_count_as_depth():
    raw = b"From: a@example.com\r\n" + b"Content-Type: message/rfc822\r\n\r\n" * 50 + b"\r\nhi"
    with pytest.raises(MessageRefused, match="more than 10 levels deep"):
        parse_message(raw)


def test_nesting_within_the_limit_is_read():
    parsed = parse_message(nested(10))
    assert parsed.text == "hi"
    with pytest.raises(MessageRefused, match="levels deep"):
        parse_message(nested(11))


def test_empty_boundaries_cannot_hide_deep_nesting():
    """boundary="" is a boundary to the email parser (its delimiter line is "--")."""
    level = b'Content-Type: multipart/mixed; boundary=""\r\n\r\n--\r\n'
    with pytest.raises(MessageRefused, match="more than 10 levels deep"):
        parse_message(b"From: a@example.com\r\n" + level * 1000 + b"\r\nhi\r\n")


def test_headers_of_all_parts_together_are_limited():
    block = b"X-A: b\r\n" * 20_000  # 160 KB: under the limit for one part
    parts = b"".join(b"--q\r\n" + block + b"\r\nhi\r\n" for _ in range(8))
    raw = b"Content-Type: multipart/mixed; boundary=q\r\n\r\n" + parts + b"--q--\r\n"

    with pytest.raises(MessageRefused) as refused:
        parse_message(raw)

    assert (
        str(refused.value) == "The message's headers in all are over 1 MB; at most 1 MB are read."
    )


def test_an_over_size_message_is_refused():
    raw = reply("x" * 2000).as_bytes()
    with pytest.raises(MessageRefused) as refused:
        parse_message(raw, Limits(max_bytes=1024))
    assert re.fullmatch(r"The message is [\d.,]+ KB; at most 1 KB are read\.", str(refused.value))


def test_oversized_part_headers_and_content_types_are_refused():
    part_header = b"X-Pad: " + b"a" * 300_000
    raw = (
        b'From: a@example.com\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\n" + part_header + b"\r\n\r\nhello\r\n--b--\r\n"
    )
    with pytest.raises(MessageRefused, match="A part's headers are over 256 KB"):
        parse_message(raw)

    slow_type = b'Content-Type: text/plain; x="' + b";" * 100_000 + b'"\r\n'
    with pytest.raises(MessageRefused, match="Content-Type header is over 2,000 characters"):
        parse_message(b"From: a@example.com\r\n" + slow_type + b"\r\nhi")


def test_hostile_address_headers_are_cut_to_their_bounds():
    """Unclosed comments, 50,000 dots, 50,000 commas and 5,000 encoded words: the parser reads
    only the bounded head of each header (a slow parse shows in the bench, not here)."""
    raw = (
        b"From: " + b"(" * 3000 + b"\r\n"
        b"To: "
        + b"a." * 50_000
        + b"\r\n"
        + b"Cc: "
        + b"," * 50_000
        + b"\r\n"
        + b"Subject: "
        + b"=?utf-8?q?abc?= " * 5_000
        + b"\r\n\r\nbody\r\n"
    )
    parsed = parse_message(raw)
    assert parsed.sender == ""
    assert len(parsed.subject) == 300
    assert len(parsed.headers["To"]) == 1000


def test_an_html_file_named_pdf_comes_through_untouched():
    html = b"<html><script>alert(1)</script>Not a PDF</html>"
    message = reply()
    part = MIMEApplication(html, "pdf", name="letter.pdf")
    part.add_header("Content-Disposition", "attachment", filename="letter.pdf")
    message.make_mixed()
    message.attach(part)

    [attachment] = parse_message(message.as_bytes()).attachments

    assert attachment.filename == "letter.pdf"
    assert attachment.declared_type == "application/pdf"
    assert attachment.data == html


def test_file_names_are_sanitised():
    message = reply()
    for name in ("../../etc/passwd", "evil\x00na\x1bme\u202egpj.exe", "C:\\Temp\\x.pdf", "..", ""):
        message.add_attachment(b"x", maintype="application", subtype="octet-stream", filename=name)
    message.add_attachment(b"y", maintype="application", subtype="pdf", filename="a" * 300 + ".pdf")

    names = [attachment.filename for attachment in parse_message(message.as_bytes()).attachments]

    assert names[:5] == ["passwd", "evilnamegpj.exe", "x.pdf", "attachment-4", "attachment-5"]
    assert len(names[5]) == 200 and names[5].endswith(".pdf")


def test_non_ascii_file_names_and_named_text_parts_come_through_as_attachments():
    message = reply("The body.")
    message.add_attachment("Notes.\n", filename="notes.txt")
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="réponse été.pdf")

    parsed = parse_message(message.as_bytes())

    assert parsed.text == "The body."
    assert [a.filename for a in parsed.attachments] == ["notes.txt", "réponse été.pdf"]
    assert parsed.attachments[0].declared_type == "text/plain"


def test_attachments_over_the_limit_are_dropped_with_a_note():
    message = reply()
    for number in range(5):
        message.add_attachment(
            b"%d" % number, maintype="image", subtype="png", filename=f"{number}.png"
        )

    parsed = parse_message(message.as_bytes(), Limits(max_attachments=2))

    assert [attachment.data for attachment in parsed.attachments] == [b"0", b"1"]
    assert "3 attachments over the limit of 2 were not kept" in parsed.notes


def test_inline_images_with_a_file_name_are_attachments():
    message = reply("See the logo.")
    message.add_related(b"\x89PNG", maintype="image", subtype="png", filename="logo.png", cid="<l>")
    message.add_related(b"\x89PNG", maintype="image", subtype="png", cid="<unnamed>")

    parsed = parse_message(message.as_bytes())

    assert [attachment.filename for attachment in parsed.attachments] == ["logo.png"]


def test_a_missing_message_id_gives_an_empty_string():
    message = reply()
    del message["Message-ID"]
    parsed = parse_message(message.as_bytes())
    assert parsed.message_id == ""
    assert "Message-ID" not in parsed.headers


def test_recipients_are_collected_in_order_with_plus_addresses_intact():
    message = reply(
        To="Tracker+r12-abc@News.Example, Desk <desk@news.example>",
        Cc="desk@news.example, Editor <Editor@News.Example>",
        Delivered_To="tracker+R99-xyz@news.example",
        X_Original_To="tracker+r12-abc@news.example",
    )
    parsed = parse_message(message.as_bytes())

    assert parsed.recipients == (
        "tracker+r12-abc@news.example",
        "desk@news.example",
        "editor@news.example",
        "tracker+r99-xyz@news.example",
    )


def test_a_missing_or_odd_date_gives_none_or_utc():
    message = reply(Date="not a date")
    assert parse_message(message.as_bytes()).sent_at is None
    message = reply(Date="Tue, 05 Aug 2025 10:30:00 -0000")
    assert parse_message(message.as_bytes()).sent_at == datetime(2025, 8, 5, 10, 30, tzinfo=UTC)


def test_long_text_is_cut_with_a_note():
    parsed = parse_message(reply("word " * 1000).as_bytes(), Limits(max_text_chars=100))
    assert len(parsed.text) <= 100
    assert "The message text was cut to its first 100 characters." in parsed.notes


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00\xff\xfe garbage \x80\x81" * 100,
        b"not a header line\r\n\r\n",
        b"From: \r\nTo: ,,,\r\nDate: \r\nContent-Type: multipart/mixed\r\n\r\nno boundary",
        b'Content-Type: multipart/mixed; boundary="x"\r\n\r\n--x\r\n--x\r\n--x--',
        b"Content-Type: text/plain; charset=punycode\r\n\r\n" + b"a-" * 5000,
        b"Content-Transfer-Encoding: base64\r\n\r\n!!!not base64===",
        b"Content-Type: multipart/digest; boundary=d\r\n\r\n--d\r\n\r\nSubject: in\r\n\r\nx\r\n"
        b"--d--",
    ],
)
def test_garbage_gives_a_parsed_message_not_an_exception(raw):
    parsed = parse_message(raw)
    assert isinstance(parsed, ParsedMessage)
    assert parsed.sender == "" and parsed.message_id == ""


def test_bytes_that_are_not_a_message_are_shown_as_text_with_a_note():
    parsed = parse_message(b"\x00\x01 just some bytes \xff")
    assert parsed.text == "just some bytes \ufffd"
    assert parsed.headers == {}
    assert parsed.notes == ("No headers were found; it was read as text.",)
