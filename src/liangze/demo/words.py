"""Word pools for the demo businesses' names, people, phones and addresses (all invented)."""

from liangze.businesses.types import BusinessType as T


def _words(text: str) -> list[str]:
    """Word pools are written as space-separated text: easier to read and extend than lists."""
    return text.split()


# 字号 (trade words) and the kind words of each business type.
WORDS = _words(
    "昆仑 盐湖 柴达木 金峰 河西 胡杨 雪莲 高原 格桑 江源 青藏 雪域 天路 丰源 鑫源 "
    "瑞丰 祥和 兴旺 福源 聚丰 顺达 吉祥 昆源 金穗 绿洲 白杨 红柳 驼铃 察汗 索南 康乐 "
    "德顺 益民 惠民 宏达 恒丰 佳美 安泰 和顺 瑞祥 金源 银湖 晨光 春晖 阳光 长青 万家 "
    "四季 新天地 圣湖"
)
KINDS = {
    T.RESTAURANT: _words(
        "餐馆 家常菜馆 清真餐厅 手抓羊肉馆 炕锅羊肉馆 川菜馆 火锅店 饭庄 酒家 藏餐馆 "
        "农家乐 土火锅店"
    ),
    T.FAST_FOOD: _words("快餐店 盖浇饭馆 中式快餐 炸鸡汉堡店 黄焖鸡米饭店 饺子馆 米线店 蒸饺馆"),
    T.SNACK_BAR: _words(
        "牛肉面馆 拉面馆 面馆 酿皮店 小吃店 包子铺 早餐店 麻辣烫 烧烤店 砂锅店 "
        "羊杂碎馆 凉皮店 面片馆"
    ),
    T.DRINKS_SHOP: _words("奶茶店 茶饮店 咖啡馆 酸奶店 果汁吧 甜品店 牦牛酸奶坊"),
    T.BAKERY: _words("烘焙坊 蛋糕店 面包房 西点屋 糕点店"),
    T.GROCERY: _words("食杂店 小卖部 商店 副食店 粮油店 日杂店"),
    T.CONVENIENCE_STORE: _words("便利店 便利超市 生活超市 24小时便利店"),
    T.SMALL_WORKSHOP: _words(
        "馍馍坊 油饼加工坊 豆腐坊 手工挂面坊 酿皮加工坊 糕点加工坊 酸奶加工坊 "
        "馓子加工坊 牦牛肉干加工坊"
    ),
    T.STREET_VENDOR: _words("烤羊肉串摊 早餐摊 煎饼摊 烤红薯摊 凉皮摊 酸奶摊 水果摊 炒面摊"),
    T.RURAL_BANQUET_VENUE: _words("集体聚餐场所 村宴服务点 农家宴席厅 集体聚餐点"),
    T.WHOLESALER: _words(
        "粮油批发部 副食品批发部 冻品批发部 蔬菜批发部 调味品批发部 酒水饮料批发部"
    ),
    T.MARKET: _words("农贸市场 蔬菜批发市场 综合市场 便民市场"),
}
INDUSTRIES = {
    T.FOOD_PRODUCER: _words("枸杞生物科技 牦牛肉食品 青稞食品 饮用水 乳业 粮油 食品 藜麦食品"),
    T.SPECIAL_FOOD_PRODUCER: _words("保健食品 生物制品 黑枸杞生物科技"),
    T.CENTRAL_KITCHEN: _words("中央厨房 餐饮管理"),
    T.MEAL_DELIVERY_UNIT: _words("团餐配送 学生营养餐配送 集体用餐配送"),
    T.SUPERMARKET: _words("超市 商贸 购物中心 百货"),
    T.RESTAURANT: _words("餐饮 餐饮管理 酒店管理"),
    T.CONSTRUCTION_SITE_CANTEEN: _words("建设工程 建筑工程 路桥工程 市政工程"),
}
SC_CATEGORIES = {  # food categories of the production licence (docs/domain.md §3.2)
    "枸杞生物科技": "17",
    "牦牛肉食品": "04",
    "青稞食品": "01",
    "饮用水": "06",
    "乳业": "05",
    "粮油": "01",
    "食品": "24",
    "藜麦食品": "01",
}
NUMERALS = _words("一 二 三 四 五 六 七 八 九 十")
WORKPLACES = (  # (name, credit code prefix): 11 机关, 12 事业单位, 91 企业
    ("格尔木市税务局", "11"),
    ("格尔木市公安局", "11"),
    ("格尔木市人民法院", "11"),
    ("格尔木市人民检察院", "11"),
    ("格尔木市气象局", "11"),
    ("格尔木市机关事务服务中心", "12"),
    ("格尔木市广播电视台", "12"),
    ("格尔木市供电公司", "91"),
    ("格尔木市自来水公司", "91"),
    ("格尔木火车站", "91"),
    ("格尔木机场", "91"),
    ("格尔木市邮政分公司", "91"),
    ("格尔木市公交公司", "91"),
)
SURNAMES = _words(
    "马 马 马 王 王 李 李 张 张 刘 陈 杨 杨 赵 韩 韩 冶 祁 何 周 吴 徐 孙 胡 朱 高 郭 "
    "罗 梁 宋 郑 谢 唐 许 冯 曹 彭 田 董 袁 蔡 余 于 杜 魏 苏 吕 丁 任 沈 姚 卢 姜 崔 "
    "石 贾 白 孟 秦 薛 闫 雷 侯 史 陶 贺 顾 毛 郝 邵 武 孔 汤 喇 铁 妥 鲁 沙"
)
GIVEN = _words(
    "建国 海 明 芳 丽 强 军 勇 静 敏 燕 磊 洋 艳 杰 娟 涛 斌 霞 平 刚 桂英 秀兰 玉兰 "
    "文 华 红 亮 成 林 福 海燕 晓东 志强 德明 生福 英 玉梅 学军 海军 永红 建华 晓梅 "
    "国庆 春花 金花 有福 海龙 青 婷 鹏 浩 宇 欣 晶 蓉 梅 琴 萍 佳 悦 凯 晨 阳 雪 娜 "
    "倩 伟 超 鑫"
)
OTHER_NAMES = _words(  # Tibetan and Mongolian names carry no surname
    "才让 扎西 卓玛 多杰 拉毛 索南 旦增 尼玛 次仁 措姆 才让卓玛 扎西多杰 索南才让 "
    "巴特尔 其其格 乌兰 苏和 那仁 格日勒 额尔敦"
)
MOBILE_PREFIXES = _words(
    "130 131 132 133 135 136 137 138 139 150 151 152 153 155 156 157 158 159 173 177 "
    "180 181 182 185 186 187 188 189 191 199"
)
ROADS = _words(
    "昆仑中路 昆仑南路 昆仑北路 黄河中路 黄河东路 黄河西路 金峰路 柴达木中路 "
    "柴达木西路 江源中路 江源南路 盐湖路 八一中路 八一路 河西路 西藏路 长江路 青藏路 "
    "光明路 迎宾路 建设中路 团结湖路 育红巷 博爱巷 宇宙巷 杨树巷 援藏巷 建兴巷 兴业路 "
    "星园路 格尔木东路"
)
SUSPEND_REASONS = (
    "经营者申请暂停营业",
    "店面装修暂停营业",
    "冬季歇业",
    "许可证到期未延续，暂停经营",
)
CLOSE_REASONS = ("营业执照注销", "经营者申请注销", "食品经营许可证注销", "店铺转让，原主体注销")
