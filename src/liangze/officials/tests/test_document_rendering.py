"""Templates are untrusted (office staff replace them): rendering stays in Jinja's sandbox."""

import io

import docx
import pytest

from liangze.officials.documents.rendering import (
    KINDS,
    TemplateRejected,
    default_template,
    document_render,
    sample_context,
    template_check,
)


def template_with(*texts: str) -> bytes:
    document = docx.Document()
    for text in texts:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def text_of(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs]
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join(paragraphs + cells)


@pytest.mark.parametrize("kind", KINDS)
def test_each_default_template_renders_its_sample(kind):
    text = text_of(document_render(template=default_template(kind), context=sample_context(kind)))
    assert "{{" not in text and "{%" not in text
    if kind != "inspection_list":  # the one kind that lists no business
        assert "示例超市 & 便利店" in text  # autoescaped into the XML, read back whole


def test_the_commitment_letter_names_the_official_and_both_signers():
    text = text_of(
        document_render(
            template=default_template("commitment"), context=sample_context("commitment")
        )
    )
    assert "食品安全责任与任务承诺书" in text
    assert "张三" in text and "镇党委委员" in text and "示例镇" in text
    assert "包保干部（签字）" in text
    assert "乡镇（街道）党委或政府负责人（签字）" in text


def test_the_task_list_carries_the_four_tasks_and_the_checklist():
    text = text_of(
        document_render(template=default_template("task_list"), context=sample_context("task_list"))
    )
    assert "4. 推动食品安全宣传和培训" in text
    assert "明厨亮灶运行" in text and "进货查验、索证索票" in text


@pytest.mark.parametrize(
    "attack",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ official.__class__.__init__.__globals__ }}",
        "{{ kind.__class__.__base__.__subclasses__() }}",
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
        "{% set x = official.update({'name': 'x'}) %}",
        "{{ businesses.append(1) }}",
        "{{ lipsum.__globals__['os'] }}",
    ],
)
def test_a_malicious_template_cannot_reach_python_internals(attack):
    with pytest.raises(TemplateRejected):
        document_render(template=template_with(attack), context=sample_context("commitment"))


def test_an_unsafe_attribute_prints_nothing_rather_than_python_objects():
    out = text_of(
        document_render(
            template=template_with(
                "[{{ ''.__class__ }}][{{ official.__dict__ }}][{{ self._TemplateReference__context }}]"
            ),
            context=sample_context("commitment"),
        )
    )
    assert out == "[][][]"


def test_the_sandbox_caps_a_huge_range():
    with pytest.raises(TemplateRejected):
        document_render(
            template=template_with("{% for i in range(10**9) %}x{% endfor %}"),
            context=sample_context("commitment"),
        )


def test_markup_in_data_cannot_break_the_document():
    context = sample_context("commitment")
    context["official"] = {**context["official"], "name": "</w:t></w:r><w:r><w:t>注入"}
    out = text_of(document_render(template=default_template("commitment"), context=context))
    assert "</w:t></w:r><w:r><w:t>注入" in out


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"not a docx", "not a Word document"), (template_with("{{ unclosed"), "TemplateSyntaxError")],
)
def test_template_check_refuses_broken_templates(data, reason):
    with pytest.raises(TemplateRejected, match=reason):
        template_check(kind="commitment", template=data)
