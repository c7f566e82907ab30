package corpus

// neighbours lists the provinces that share a border, for "banks near me".
var neighbours = map[string][]string{
	"beijing": {"tianjin", "hebei"}, "tianjin": {"beijing", "hebei"},
	"hebei":     {"beijing", "tianjin", "shanxi", "neimenggu", "liaoning", "shandong", "henan"},
	"shanxi":    {"hebei", "neimenggu", "shaanxi", "henan"},
	"neimenggu": {"heilongjiang", "jilin", "liaoning", "hebei", "shanxi", "shaanxi", "ningxia", "gansu"},
	"liaoning":  {"jilin", "neimenggu", "hebei"}, "jilin": {"heilongjiang", "liaoning", "neimenggu"},
	"heilongjiang": {"jilin", "neimenggu"}, "shanghai": {"jiangsu", "zhejiang"},
	"jiangsu":   {"shanghai", "zhejiang", "anhui", "shandong"},
	"zhejiang":  {"shanghai", "jiangsu", "anhui", "jiangxi", "fujian"},
	"anhui":     {"jiangsu", "zhejiang", "jiangxi", "hubei", "henan", "shandong"},
	"fujian":    {"zhejiang", "jiangxi", "guangdong", "taiwan"},
	"jiangxi":   {"zhejiang", "anhui", "hubei", "hunan", "guangdong", "fujian"},
	"shandong":  {"hebei", "henan", "anhui", "jiangsu"},
	"henan":     {"hebei", "shanxi", "shaanxi", "hubei", "anhui", "shandong"},
	"hubei":     {"henan", "anhui", "jiangxi", "hunan", "chongqing", "shaanxi"},
	"hunan":     {"hubei", "jiangxi", "guangdong", "guangxi", "guizhou", "chongqing"},
	"guangdong": {"fujian", "jiangxi", "hunan", "guangxi", "hainan", "hongkong", "macau"},
	"guangxi":   {"guangdong", "hunan", "guizhou", "yunnan"}, "hainan": {"guangdong"},
	"chongqing": {"sichuan", "shaanxi", "hubei", "hunan", "guizhou"},
	"sichuan":   {"chongqing", "guizhou", "yunnan", "xizang", "qinghai", "gansu", "shaanxi"},
	"guizhou":   {"sichuan", "chongqing", "hunan", "guangxi", "yunnan"},
	"yunnan":    {"sichuan", "guizhou", "guangxi", "xizang"},
	"xizang":    {"xinjiang", "qinghai", "sichuan", "yunnan"},
	"shaanxi":   {"shanxi", "henan", "hubei", "chongqing", "sichuan", "gansu", "ningxia", "neimenggu"},
	"gansu":     {"shaanxi", "ningxia", "neimenggu", "qinghai", "xinjiang", "sichuan"},
	"qinghai":   {"gansu", "xinjiang", "xizang", "sichuan"}, "ningxia": {"gansu", "shaanxi", "neimenggu"},
	"xinjiang": {"gansu", "qinghai", "xizang"},
	"hongkong": {"guangdong"}, "macau": {"guangdong"}, "taiwan": {"fujian"},
}

// macroRegions are the report's broad regions (an anonymised bank is "in the east").
var macroRegions = map[string][]string{
	"east":      {"beijing", "tianjin", "hebei", "shanghai", "jiangsu", "zhejiang", "fujian", "shandong", "guangdong", "hainan"},
	"central":   {"shanxi", "anhui", "jiangxi", "henan", "hubei", "hunan"},
	"west":      {"neimenggu", "guangxi", "chongqing", "sichuan", "guizhou", "yunnan", "xizang", "shaanxi", "gansu", "qinghai", "ningxia", "xinjiang"},
	"northeast": {"liaoning", "jilin", "heilongjiang"},
	"south":     {"fujian", "guangdong", "guangxi", "hainan", "hongkong", "macau", "jiangxi", "hunan"},
}

// RegionsNear reports how close two region codes are: "same", "neighbour"
// (bordering provinces, or a province inside a broad region), or "".
func RegionsNear(a, b string) string {
	if a == "" || b == "" || a == "national" || b == "national" {
		return ""
	}
	if a == b {
		return "same"
	}
	for _, n := range neighbours[a] {
		if n == b {
			return "neighbour"
		}
	}
	for _, pair := range [][2]string{{a, b}, {b, a}} {
		for _, p := range macroRegions[pair[0]] {
			if p == pair[1] {
				return "neighbour"
			}
		}
	}
	return ""
}

// RegionMembers returns the provinces of a broad region (east, south, …),
// nil for a province.
func RegionMembers(code string) []string { return macroRegions[code] }
