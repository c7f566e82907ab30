package corpus

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// NormalizeBankName folds the variants a report uses for one name (spaces,
// bracket width, a 股份有限公司 suffix), for name lookups.
func NormalizeBankName(s string) string {
	s = strings.TrimSpace(s)
	s = strings.NewReplacer(" ", "", "(", "（", ")", "）", "股份有限公司", "").Replace(s)
	return s
}

// BanksByName indexes banks by the normalised form of each name and alias.
func BanksByName(banks []*Bank) map[string]*Bank {
	m := map[string]*Bank{}
	for _, b := range banks {
		for _, n := range append([]string{b.Name}, b.Aliases...) {
			m[NormalizeBankName(n)] = b
		}
	}
	return m
}

// GuessBank makes a registry entry for a bank the registry lacks: type from
// the name's suffix, region from a province or a known city in the name.
func GuessBank(name string, known []*Bank) Bank {
	sum := sha256.Sum256([]byte(name))
	b := Bank{ID: "bank-" + hex.EncodeToString(sum[:4]), Name: strings.TrimSpace(name), Type: "city_commercial", Region: "national"}
	switch {
	case strings.Contains(name, "村镇银行"):
		b.Type = "village"
	case strings.ContainsAny(name, "农") && (strings.Contains(name, "商") || strings.Contains(name, "信")):
		b.Type = "rural_commercial"
	case strings.Contains(name, "联盟") || strings.Contains(name, "协会"):
		b.Type = "org"
	case !strings.Contains(name, "银行"):
		b.Type = "org"
	}
	tax := DefaultTaxonomy()
	for _, r := range tax.Regions {
		if strings.Contains(name, r.ZH) {
			b.Region = r.Code
			return b
		}
	}
	for _, k := range known {
		if k.City != "" && strings.HasPrefix(name, k.City) {
			b.Region = k.Region
			break
		}
	}
	return b
}
