"""The starter risk control lists shipped with the platform, one per group of business types
(docs/domain.md §1.2a, §1.8). Written for this platform as a starting point for a business to
adapt; they are not SAMR's reference lists. A province's office staff may replace a group's set
(RiskTemplatePoint); a business edits its own list from there.

Each row: (控制环节 stage, 风险点 point, 风险描述 description, 管控措施 measure, 管控目标 target,
频次 frequency, 责任人员 responsible).
"""

from liangze.businesses.types import BusinessGroup

D, W, M = "day", "week", "month"
OFFICER, DIRECTOR, PRINCIPAL = "食品安全员", "食品安全总监", "主要负责人"

_COMMON = [
    (
        "人员管理",
        "从业人员健康",
        "患有有碍食品安全疾病的人员接触直接入口食品",
        "每日晨检，查看健康证明有效期",
        "上岗人员健康证明有效、晨检无异常",
        D,
        OFFICER,
    ),
    (
        "环境卫生",
        "场所清洁与虫害",
        "场所不洁、有鼠虫害迹象",
        "每日清扫，检查防鼠防虫设施",
        "无鼠虫害迹象，设施完好",
        D,
        OFFICER,
    ),
    (
        "制度管理",
        "培训与考核",
        "从业人员不掌握食品安全知识",
        "每月组织培训并记录",
        "每人每年培训不少于40学时",
        M,
        DIRECTOR,
    ),
]

STARTER_POINTS: dict[str, list[tuple]] = {
    BusinessGroup.PRODUCTION: [
        (
            "原料控制",
            "原辅料验收",
            "原料无合格证明或超过保质期",
            "查验供货者资质和合格证明，登记进货查验记录",
            "原料证明齐全，无过期原料",
            D,
            OFFICER,
        ),
        (
            "生产过程",
            "关键控制点",
            "杀菌、配料等关键工序参数偏离",
            "按工艺记录温度、时间等参数",
            "关键参数在规定范围内",
            D,
            OFFICER,
        ),
        (
            "生产过程",
            "食品添加剂使用",
            "超范围、超限量使用添加剂",
            "专人专柜管理，称量并记录",
            "使用符合GB 2760",
            D,
            OFFICER,
        ),
        (
            "出厂检验",
            "成品检验",
            "不合格产品出厂",
            "按批次检验并留样",
            "批批检验，留样完整",
            D,
            OFFICER,
        ),
        (
            "设备设施",
            "设备清洗消毒",
            "设备清洗不彻底造成污染",
            "生产前后清洗消毒并记录",
            "设备表面清洁",
            W,
            OFFICER,
        ),
        (
            "追溯召回",
            "不合格品处置",
            "不合格品未及时召回",
            "建立召回台账，每周核查",
            "不合格品100%处置",
            W,
            DIRECTOR,
        ),
        *_COMMON,
    ],
    BusinessGroup.SMALL_WORKSHOP: [
        (
            "原料控制",
            "原料采购",
            "原料来源不明",
            "固定供货渠道，索取票据",
            "原料来源可追溯",
            D,
            OFFICER,
        ),
        (
            "加工过程",
            "加工卫生",
            "生熟不分、交叉污染",
            "生熟分区，工具分开使用",
            "无交叉污染",
            D,
            OFFICER,
        ),
        (
            "产品管理",
            "标签标识",
            "产品无标签或标签不全",
            "每批检查标签",
            "标签信息完整",
            W,
            OFFICER,
        ),
        *_COMMON,
    ],
    BusinessGroup.SALE: [
        (
            "进货查验",
            "进货查验记录",
            "进货未查验供货者资质和合格证明",
            "逐批查验并记录",
            "进货查验记录完整",
            D,
            OFFICER,
        ),
        (
            "贮存管理",
            "临期和过期食品",
            "销售超过保质期的食品",
            "每日巡查货架，临期食品集中陈列",
            "货架无过期食品",
            D,
            OFFICER,
        ),
        (
            "贮存管理",
            "冷藏冷冻温度",
            "冷链食品贮存温度不达标",
            "每日两次记录冷柜温度",
            "冷藏0–8℃，冷冻-18℃以下",
            D,
            OFFICER,
        ),
        (
            "销售管理",
            "散装食品",
            "散装食品无防护、标识不全",
            "加盖防护，标明名称和日期",
            "散装食品标识齐全",
            D,
            OFFICER,
        ),
        (
            "追溯管理",
            "问题食品处置",
            "问题食品未下架",
            "发现问题立即下架并登记",
            "问题食品及时下架",
            W,
            DIRECTOR,
        ),
        *_COMMON,
    ],
    BusinessGroup.CATERING: [
        (
            "原料采购",
            "索证索票",
            "采购来源不明的原料",
            "查验供货者资质和票据，登记台账",
            "原料可追溯",
            D,
            OFFICER,
        ),
        (
            "加工制作",
            "生熟分开",
            "生熟食品交叉污染",
            "刀具、砧板、容器分类标识使用",
            "无交叉污染",
            D,
            OFFICER,
        ),
        ("加工制作", "烹饪温度", "食品未烧熟煮透", "中心温度不低于70℃", "食品烧熟煮透", D, OFFICER),
        (
            "餐用具",
            "清洗消毒",
            "餐用具消毒不彻底",
            "按规程清洗消毒，保洁存放",
            "餐用具消毒合格",
            D,
            OFFICER,
        ),
        (
            "留样管理",
            "食品留样",
            "未按规定留样",
            "每餐次每样品种不少于125克，冷藏48小时",
            "留样齐全",
            D,
            OFFICER,
        ),
        (
            "添加剂管理",
            "添加剂使用",
            "超范围超限量使用添加剂",
            "专人专柜管理并记录",
            "使用符合规定",
            W,
            OFFICER,
        ),
        (
            "设施设备",
            "明厨亮灶与排烟",
            "设施损坏或不清洁",
            "每周检查设施运行",
            "设施正常运行",
            W,
            DIRECTOR,
        ),
        *_COMMON,
    ],
    BusinessGroup.CANTEEN: [
        (
            "原料采购",
            "索证索票",
            "采购来源不明的原料",
            "查验票据，登记台账",
            "原料可追溯",
            D,
            OFFICER,
        ),
        (
            "加工制作",
            "高风险食品",
            "加工四季豆、豆浆等未熟透",
            "专人负责，确保烧熟煮透",
            "无高风险食品中毒隐患",
            D,
            OFFICER,
        ),
        ("餐用具", "清洗消毒", "餐用具消毒不彻底", "集中消毒并记录", "餐用具消毒合格", D, OFFICER),
        ("留样管理", "食品留样", "未按规定留样", "每餐次留样并记录", "留样齐全", D, OFFICER),
        (
            "陪餐管理",
            "负责人陪餐",
            "负责人未陪餐、未记录",
            "负责人轮流陪餐并记录",
            "陪餐记录完整",
            W,
            PRINCIPAL,
        ),
        *_COMMON,
    ],
    BusinessGroup.STREET_VENDOR: [
        (
            "原料采购",
            "原料来源",
            "原料来源不明",
            "固定进货渠道并保留票据",
            "原料可追溯",
            D,
            OFFICER,
        ),
        (
            "经营卫生",
            "防尘防蝇",
            "食品裸露存放",
            "加盖防护，使用专用容器",
            "食品防护到位",
            D,
            OFFICER,
        ),
        (
            "人员管理",
            "健康证明",
            "从业人员无有效健康证明",
            "随身携带健康证明",
            "健康证明有效",
            M,
            OFFICER,
        ),
    ],
}

FIELDS = ("stage", "point", "description", "measure", "target", "frequency", "responsible")


def starter_rows(group: str) -> list[dict]:
    """The shipped starter set for a group, as dicts of RiskPoint fields."""
    return [
        {"position": position, **dict(zip(FIELDS, row, strict=True))}
        for position, row in enumerate(STARTER_POINTS[BusinessGroup(group)], start=1)
    ]
