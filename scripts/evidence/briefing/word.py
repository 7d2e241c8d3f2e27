"""The briefing as a Word document, laid out as a members' briefing, with the same bytes for the
same inputs (fixed document properties and zip members)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from evidence.briefing.pages import briefing_title
from evidence.briefing.template import Briefing, Paragraph
from evidence.briefing.text import plain_text


def docx_bytes(b: Briefing, meta: dict, paragraphs: list[Paragraph], blocks: dict) -> bytes:
    """The briefing as a Word document, laid out as a members' briefing; deterministic bytes."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(11)
    for section in doc.sections:
        section.left_margin = section.right_margin = Cm(2.2)
        section.top_margin = section.bottom_margin = Cm(2)
    org = b.config.get("organisation") or ""
    title = briefing_title(b, meta)
    kind = meta.get("kind", "Members’ briefing")
    head = doc.add_paragraph()
    run = head.add_run(kind)
    run.bold = True
    run.font.size = Pt(13)
    run.font.color.rgb = RGBColor(0x33, 0x33, 0x33)
    if org:
        head.add_run("\n" + org).font.size = Pt(10)
    date = doc.add_paragraph(" · ".join(x for x in (b.area_name(), b.date.strftime("%B %Y")) if x))
    date.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_heading(title, level=1)
    section = None
    for p in paragraphs:
        if p.section != section:
            section = p.section
            if section:
                doc.add_heading(section, level=2)
        if p.block is not None:
            if blocks.get(p.block) is not None:
                add_block(doc, blocks[p.block])
            continue
        para = doc.add_paragraph()
        fmt = para.paragraph_format
        fmt.space_after = Pt(8)
        if p.number is not None:
            fmt.left_indent = Cm(1)
            fmt.first_line_indent = Cm(-1)
            fmt.tab_stops.add_tab_stop(Cm(1))
            para.add_run(f"{p.number}.\t")
        para.add_run(p.text)
    supporting = meta.get("supporting") or []
    if supporting:
        doc.add_heading("Supporting documents", level=2)
        formatted = b.ctx.bib.formatted()
        for key in supporting:
            item = doc.add_paragraph(plain_text(formatted[key]), style="List Bullet")
            item.paragraph_format.space_after = Pt(4)
    contact = b.config.get("contact") or {}
    doc.add_heading("For more information", level=2)
    if contact:
        for field_name in ("name", "role", "email", "url"):
            if contact.get(field_name):
                doc.add_paragraph(str(contact[field_name])).paragraph_format.space_after = Pt(0)
    else:
        doc.add_paragraph("No contact is configured.")
    note = doc.add_paragraph()
    note.paragraph_format.space_before = Pt(12)
    small = note.add_run(
        "Regenerated from the evidence base's data and analyses. Each figure is listed, with the "
        "analysis and inputs it came from, on the website's Results page."
    )
    small.font.size = Pt(9)
    small.italic = True
    props = doc.core_properties
    moment = dt.datetime(b.date.year, b.date.month, b.date.day)
    props.created = props.modified = moment
    props.last_printed = moment
    props.revision = 1
    props.author = props.last_modified_by = org or "evidence"
    props.title = title
    buf = io.BytesIO()
    doc.save(buf)
    return normalise_zip(buf.getvalue())


SHORT_TABLE = 8  # a chart's figures go into the document as a table up to this many rows


def add_block(doc, block) -> None:
    """A table (the key figures, options, risks) or a chart (its PNG, description and figures)."""
    from docx.shared import Cm, Pt

    if hasattr(block, "spec"):
        shape = doc.add_picture(io.BytesIO(block.png), width=Cm(16))
        shape._inline.docPr.set("descr", block.description)  # alternative text for the image
        caption = doc.add_paragraph(block.description)
        caption.runs[0].font.size = Pt(9)
        caption.runs[0].italic = True
        if len(block.rows) > SHORT_TABLE:
            return  # a long series: the page carries its table, the document its picture
        columns, rows = block.columns, block.rows
    else:
        heading = doc.add_paragraph()
        heading.add_run(block.caption).bold = True
        columns, rows = block.columns, block.text_rows()
    table = doc.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, columns, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for row in rows:
        cells = table.add_row().cells
        for i, (cell, text) in enumerate(zip(cells, row, strict=True)):
            cell.text = ""
            run = cell.paragraphs[0].add_run(text)
            run.font.size = Pt(9)
            run.bold = i == 0 and not hasattr(block, "spec")
    for cell in table.rows[0].cells:
        for run in cell.paragraphs[0].runs:
            run.font.size = Pt(9)
    note = getattr(block, "note", "")
    after = doc.add_paragraph(plain_text(note) if note else "")
    after.paragraph_format.space_after = Pt(6)
    if note:
        after.runs[0].font.size = Pt(9)


def normalise_zip(data: bytes) -> bytes:
    """Same members, same order, fixed timestamps: equal inputs give equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = source.namelist()
        # [Content_Types].xml must stay first for some readers; the rest in a stable order.
        ordered = [n for n in names if n == "[Content_Types].xml"] + sorted(
            n for n in names if n != "[Content_Types].xml"
        )
        for name in ordered:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(name))
    return out.getvalue()
