"""Parses an e-mail the way a mail reader does, with Python's own `email` package (not the
product's code), and prints JSON: its headers, each part's content type, the text and HTML
decoded, and each image's Content-ID and bytes (base64), so a test can decode the picture.

  mime_check.py < message
"""
import base64
import email
import email.policy
import json
import sys


def main():
    message = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.default)
    parts = []
    for part in message.walk():
        entry = {"type": part.get_content_type()}
        if not part.is_multipart():
            payload = part.get_payload(decode=True)
            if part.get_content_maintype() == "text":
                entry["text"] = payload.decode(part.get_content_charset() or "utf-8")
            else:
                entry["base64"] = base64.b64encode(payload).decode()
                entry["contentId"] = part.get("Content-ID")
                entry["disposition"] = part.get_content_disposition()
        parts.append(entry)
    print(json.dumps({"subject": str(message["Subject"]), "from": message["From"], "to": message["To"],
                      "defects": [str(d) for part in message.walk() for d in part.defects], "parts": parts}))


if __name__ == "__main__":
    main()
