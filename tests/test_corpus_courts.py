"""Court names → level, province, city; and the court named in a header."""

from __future__ import annotations

import pytest

from corpus.courts import CourtInfo, court_info, extract_court


@pytest.mark.parametrize(
    ("name", "province", "level", "city"),
    [
        ("江西省宜春市中级人民法院", "江西省", "中级", "宜春市"),
        ("最高人民法院", "", "最高", ""),
        ("最高人民法院第一巡回法庭", "", "最高", ""),
        ("广东省高级人民法院", "广东省", "高级", ""),
        ("北京市第一中级人民法院", "北京市", "中级", "北京市"),
        ("上海知识产权法院", "上海市", "中级", "上海市"),
        ("宜丰县人民法院", "江西省", "基层", ""),
        ("舟山市普陀区人民法院", "浙江省", "基层", "舟山市"),
        ("徐州铁路运输法院", "江苏省", "基层", ""),
        ("杭州互联网法院", "浙江省", "基层", ""),
        ("内蒙古阿拉善左旗人民法院", "内蒙古自治区", "基层", ""),
        ("新疆维吾尔自治区高级人民法院伊犁哈萨克自治州分院", "新疆维吾尔自治区", "中级", ""),
    ],
)
def test_court_info(name: str, province: str, level: str, city: str) -> None:
    assert court_info(name) == CourtInfo(name=name, province=province, level=level, city=city)


def test_court_info_of_nothing() -> None:
    assert court_info("") == CourtInfo(name="")


def test_extract_court_from_headers() -> None:
    assert extract_court("江西省宜春市中级人民法院 刑事判决书 （2014）宜中刑一初字第11号") == "江西省宜春市中级人民法院"
    title_first = "䬦某东犯故意伤害、抢劫罪案的刑事判决书海南省第二中级人民法院刑事判决书（2016）琼97刑终22号"
    assert extract_court(title_first) == "海南省第二中级人民法院"
    assert extract_court("被告人张某盗窃一案") == ""
