package corpus

import "testing"

func TestCitiesNameKnownRegions(t *testing.T) {
	tax := DefaultTaxonomy()
	cs := Cities()
	if len(cs) < 300 {
		t.Fatalf("%d cities, want the prefecture-level ones at least", len(cs))
	}
	seen := map[string]bool{}
	for _, c := range cs {
		if _, ok := tax.Lookup(FacetRegion, c.Region); !ok {
			t.Errorf("%s: region %q is not in the taxonomy", c.ZH, c.Region)
		}
		if c.ZH == "" || c.EN == "" || seen[c.ZH] {
			t.Errorf("city %+v: empty or repeated name", c)
		}
		seen[c.ZH] = true
	}
	for zh, region := range map[string]string{"深圳": "guangdong", "杭州": "zhejiang", "哈尔滨": "heilongjiang", "昆山": "jiangsu"} {
		found := false
		for _, c := range cs {
			found = found || c.ZH == zh && c.Region == region
		}
		if !found {
			t.Errorf("%s in %s is missing", zh, region)
		}
	}
	for _, ordinary := range []string{"合作", "安宁", "吉林", "海南", "东方"} {
		if seen[ordinary] {
			t.Errorf("%s is an ordinary word or a province, not a city to infer", ordinary)
		}
	}
}
