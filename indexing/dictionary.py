"""Builds Leian's legal user dictionary for jieba from the charge catalogue (:mod:`corpus.charges`) and terms of art.

Run ``python -m indexing.dictionary`` to regenerate ``indexing/data/legal_dict.txt``; the file is checked in
(the tokenizer version is its hash), so rebuilding is a deliberate, reviewed change.
"""

from __future__ import annotations

import sys
from pathlib import Path

from corpus.charges import charge_names

__all__ = ["LEGAL_TERMS", "build_legal_dictionary"]

#: Terms of art that plain jieba splits apart; sentencing circumstances and procedure first.
LEGAL_TERMS = """
自首 坦白 累犯 再犯 惯犯 初犯 偶犯 立功 重大立功 认罪认罚 认罪悔罪 当庭认罪 如实供述 退赃 退赔 退赃退赔 赔偿损失
取得谅解 刑事谅解 谅解书 犯罪未遂 犯罪中止 犯罪预备 从犯 主犯 胁从犯 教唆犯 共同犯罪 数罪并罚 从轻处罚 减轻处罚
免除处罚 从重处罚 酌情从轻 限制刑事责任能力 完全刑事责任能力 无刑事责任能力 正当防卫 防卫过当 紧急避险 未成年人
缓刑 缓期执行 死刑缓期执行 有期徒刑 无期徒刑 拘役 管制 罚金 没收财产 剥夺政治权利 驱逐出境 免予刑事处罚 社区矫正
刑事拘留 取保候审 监视居住 逮捕 公诉机关 起诉书 辩护人 辩护意见 附带民事诉讼 刑事附带民事 简易程序 普通程序
速裁程序 认罪认罚从宽 量刑建议 审判委员会 合议庭 独任审判 上诉人 原审被告人 被上诉人 抗诉 再审 申诉
轻伤一级 轻伤二级 重伤一级 重伤二级 轻微伤 伤残等级 司法鉴定 鉴定意见 血液酒精含量 醉酒驾驶 酒后驾驶 醉酒状态
机动车 交通事故 全部责任 主要责任 次要责任 同等责任 肇事逃逸 逃逸致人死亡 冰毒 甲基苯丙胺 海洛因 氯胺酮 麻古
毒品 吸毒 容留 数额较大 数额巨大 数额特别巨大 情节严重 情节特别严重 情节较轻 后果严重 多次盗窃 入户盗窃
携带凶器 扒窃 入户抢劫 持刀 非法占有 非法占有目的 虚构事实 隐瞒真相 职务便利 利用职务上的便利 国家工作人员
非国家工作人员 为他人谋取利益 赌资 抽头渔利 网络赌博 电信诈骗 信用卡 透支 催收 银行卡 微信 支付宝
借款合同 民间借贷 借条 欠条 利息 逾期利息 违约金 保证人 连带责任 担保 抵押 质押 买卖合同 租赁合同 劳动合同
劳动争议 工伤 离婚 抚养费 抚养权 财产分割 夫妻共同财产 夫妻共同债务 继承 遗嘱 侵权责任 人身损害 交强险 商业三者险
""".split()

def build_legal_dictionary() -> list[str]:
    """Dictionary words: charges (with and without 罪, and their last 、-separated part) and LEGAL_TERMS."""
    words: set[str] = set(LEGAL_TERMS)
    for name in charge_names():
        tail = name.split("、")[-1]
        for w in (name, tail):
            if "、" not in w and len(w) >= 2:
                words.update((w, w + "罪"))
    return sorted(words)


def main() -> None:
    """Regenerate the checked-in dictionary."""
    out = Path(__file__).parent / "data" / "legal_dict.txt"
    words = build_legal_dictionary()
    out.write_text("".join(f"{w}\n" for w in words), encoding="utf-8")
    print(f"{len(words)} words → {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
