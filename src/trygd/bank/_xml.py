"""Read bank XML safely: no DTD, no entities, no network.

Files from a bank arrive over a channel we do not control. An XML document type declaration
can define entities that expand to gigabytes ("billion laughs") or read local files and URLs
(XXE). A payment or status file never needs one, so a document that declares a DTD is
refused outright, and the parser is told not to resolve entities or touch the network even
if one slipped through.
"""

from __future__ import annotations

from lxml import etree


class UnsafeOrBrokenXml(ValueError):
    """The bytes are not well-formed XML, or they declare a DTD or entities."""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_safely(xml: bytes) -> etree._Element:
    """Parse `xml` and return its root element; refuse DTDs, entities and broken XML."""
    if not isinstance(xml, bytes):
        raise UnsafeOrBrokenXml("expected the file's bytes")
    head = xml.lstrip()[:4096]
    if b"<!DOCTYPE" in head or b"<!ENTITY" in xml:
        raise UnsafeOrBrokenXml("document type declarations (DTD) and entities are refused")
    try:
        root = etree.fromstring(xml, parser=_parser())
    except etree.XMLSyntaxError as error:
        raise UnsafeOrBrokenXml(f"not well-formed XML: {error.msg}") from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise UnsafeOrBrokenXml("document type declarations (DTD) and entities are refused")
    for node in root.iter():
        if isinstance(node, etree._Entity):
            raise UnsafeOrBrokenXml("entity references are refused")
    return root
