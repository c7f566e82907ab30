package corpus

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sync"
)

// City is a gazetteer entry: a prefecture- or county-level city of the
// mainland, the province it is in and its names. Query understanding reads
// city names with it (深圳的银行 → the cases of banks in Shenzhen, then
// Guangdong's).
type City struct {
	ZH        string   `json:"zh"`
	EN        string   `json:"en"`
	Region    string   `json:"region"` // a region code of the taxonomy
	Level     string   `json:"level"`  // prefecture or county
	AliasesZH []string `json:"aliases_zh,omitempty"`
	AliasesEN []string `json:"aliases_en,omitempty"`
}

//go:embed seed/cities.json
var seedCities []byte

var cities = sync.OnceValue(func() []City {
	var g struct {
		Cities []City `json:"cities"`
	}
	if err := json.Unmarshal(seedCities, &g); err != nil {
		panic(fmt.Sprintf("corpus: embedded cities: %v", err))
	}
	return g.Cities
})

// Cities returns the embedded gazetteer, shared: callers must not change it.
// Names that are also ordinary words (合作, 安宁) or another region's (吉林,
// 海南) are left out when it is generated (seed/gencities).
func Cities() []City { return cities() }

var cityByName = sync.OnceValue(func() map[string]City {
	m := map[string]City{}
	for _, c := range cities() {
		for _, n := range append([]string{c.ZH}, c.AliasesZH...) {
			m[n] = c
		}
	}
	return m
})

// CityLabel names a stored city value in both languages; a city the
// gazetteer lacks keeps its name as written.
func CityLabel(name string) Text {
	if c, ok := cityByName()[name]; ok {
		return Text{ZH: name, EN: c.EN}
	}
	return Text{ZH: name}
}
