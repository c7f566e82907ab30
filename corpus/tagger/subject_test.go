package tagger_test

import (
	"slices"
	"strings"
	"testing"

	"casebank/corpus"
	"casebank/corpus/tagger"
)

// The bank type is the one the subject names, not an alliance or partner
// named as an object, nor a big bank named in passing; it says why.
func TestBankTypeFollowsTheSubject(t *testing.T) {
	_, tg := newSuggester(t)
	for _, c := range []struct{ text, want, source, reason string }{
		// the three of issue 15's outside check
		{"某城商行推出面向小微企业的线上信用贷，依托行内数据实现秒批秒贷。", "city_commercial", "subject", "subject names 城商行"},
		{"某村镇银行为县域农户提供手机银行开户和小额贷款服务。", "village", "subject", "subject names 村镇银行"},
		{"某农商行加入区域性中小银行金融科技联盟，共享联盟的风控模型。", "rural_commercial", "subject", "subject names 农商行"},
		{"江苏银行上线新一代智能客服。", "city_commercial", "subject", "subject names 江苏银行 (城商行 in the bank registry)"},
		{"某民营银行与阿里云合作建设分布式核心系统。", "private", "subject", "subject names 民营银行"},
		{"与阿里云合作的某直销银行上线了智能投顾。", "direct_bank", "subject", "subject names 直销银行"},
		{"阿里云为某农商行搭建金融云平台。", "rural_commercial", "subject", "subject 阿里云 is named as the provider"},
		{"工商银行等国有大行早已部署大模型，某城商行则从智能质检起步。", "city_commercial", "subject", "subject names 城商行"},
		{"与国有大行相比，某农商行更熟悉本地客户。", "rural_commercial", "subject", "subject names 农商行"},
		{"南京银行牵头的紫金山·鑫合联合百余家中小银行共享数据。", "org", "subject", "subject names 紫金山·鑫合"},
		{"某金融科技联盟发布中小银行大模型应用白皮书。", "org", "subject", "subject names 联盟"},
		{"我行作为省内首家农商行，上线了知识图谱风控系统。", "rural_commercial", "subject", "subject 我行 is named 农商行"},
		{"A city commercial bank in Sichuan joined a fintech alliance to share its fraud models.", "city_commercial", "subject", "subject names city commercial bank"},
		{"Working with Alibaba Cloud, a village bank in Zhejiang moved its core system to the cloud.", "village", "subject", "subject names village bank"},
		{"Unlike the Industrial and Commercial Bank of China, a private bank in Chongqing rents GPUs.", "private", "subject", "subject names private bank"},
	} {
		sg, err := tg.Suggest(ctx, tagger.Draft{Text: c.text})
		if err != nil {
			t.Fatal(err)
		}
		b := sg.BankType[0]
		if b.Code != c.want || b.Source != c.source || !strings.Contains(b.Reason, c.reason) || b.Sentence == "" {
			t.Errorf("%s\n  got %s (%s) %q, sentence %q; want %s (%s) %q", c.text, b.Code, b.Source, b.Reason, b.Sentence, c.want, c.source, c.reason)
		}
	}
	// 我行 alone is a bank: never an alliance, even when it joins one.
	sg, _ := tg.Suggest(ctx, tagger.Draft{Text: "我行加入中小银行互联网金融联盟，共享联盟的反欺诈名单。"})
	if b := sg.BankType[0]; b.Code == "org" || !strings.Contains(b.Reason, "subject 我行 is a bank") {
		t.Errorf("self-reference: %+v", b)
	}
	// A draft's given bank still decides.
	sg, _ = tg.Suggest(ctx, tagger.Draft{Text: "某农商行上线手机银行。", Bank: "江苏银行"})
	if b := sg.BankType[0]; b.Code != "city_commercial" || b.Source != "registry" || !strings.Contains(b.Reason, "江苏银行") {
		t.Errorf("given bank: %+v", b)
	}
}

// A technology or product named in the text implies its theme, with the
// name as the reason; English names match whole words only.
func TestThemesFollowNamedTechnologies(t *testing.T) {
	_, tg := newSuggester(t)
	for _, c := range []struct {
		text, theme, term string
	}{
		{"某城商行基于联邦学习建设联合建模平台。", "ai", "联邦学习"},
		{"某城商行用知识图谱识别关联担保圈。", "ai", "知识图谱"},
		{"某农商行本地部署DeepSeek。", "ai", "DeepSeek"},
		{"某股份制银行把信用卡系统迁到GaussDB。", "xinchuang", "GaussDB"},
		{"某城商行完成国产数据库替换。", "xinchuang", "国产数据库"},
		{"A rural bank adopted federated learning to score loans.", "ai", "federated learning"},
		{"A city commercial bank moved its ledger to a home-grown database.", "xinchuang", "home-grown database"},
	} {
		sg, err := tg.Suggest(ctx, tagger.Draft{Text: c.text})
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(sg.Themes, func(s tagger.Suggestion) bool { return s.Code == c.theme })
		if i < 0 {
			t.Errorf("%s: no %s in %+v", c.text, c.theme, sg.Themes)
			continue
		}
		if s := sg.Themes[i]; !slices.Contains(s.Terms, c.term) || !strings.Contains(s.Reason, "names "+c.term) {
			t.Errorf("%s: %s terms %v reason %q", c.text, c.theme, s.Terms, s.Reason)
		}
	}
	// "ai" inside "retail" or "trained", "app" inside "approved", are no names.
	sg, _ := tg.Suggest(ctx, tagger.Draft{Text: "The retail team trained staff and approved the plan."})
	for _, s := range append(sg.Themes, sg.Dimensions...) {
		if slices.Contains(s.Matched, "AI") || slices.Contains(s.Matched, "app") {
			t.Errorf("%s matched %v", s.Code, s.Matched)
		}
	}
}

// 数字人民币 implies a theme only when the taxonomy has one for it; until
// then it is not read as 数字人 (a digital human, ai) either.
func TestECNYThemeOnlyWhenTheTaxonomyHasOne(t *testing.T) {
	ts := seedTrainingSet(t)
	draft := tagger.Draft{Text: "某城商行在菜市场推广数字人民币支付。"}
	for _, th := range ts.model().Suggest(draft, nil, "").Themes {
		if slices.Contains(th.Terms, "数字人") || slices.Contains(th.Terms, "数字人民币") {
			t.Errorf("without an e-CNY theme: %s %v", th.Code, th.Terms)
		}
	}
	ts.tax = ts.tax.Clone()
	ts.tax.Themes = append(ts.tax.Themes, corpus.Value{Code: "ecny", ZH: "数字人民币", EN: "e-CNY"})
	sg := ts.model().Suggest(draft, nil, "")
	if i := slices.IndexFunc(sg.Themes, func(s tagger.Suggestion) bool { return s.Code == "ecny" }); i < 0 || !slices.Contains(sg.Themes[i].Terms, "数字人民币") {
		t.Errorf("with an e-CNY theme: %+v", sg.Themes)
	}
}

// A bank added to the registry is read as a subject by the next model.
func TestRegistryBankIsASubject(t *testing.T) {
	ts := seedTrainingSet(t)
	ts.banks = append(ts.banks, &corpus.Bank{ID: "tailong-bank", Name: "泰隆银行", NameEN: "Tailong Bank", Type: "city_commercial", Region: "zhejiang"})
	m := ts.model()
	for _, text := range []string{"泰隆银行与阿里云合作建设小微金融云。", "Tailong Bank joined an alliance of small banks."} {
		b := m.Suggest(tagger.Draft{Text: text}, nil, "").BankType[0]
		if b.Code != "city_commercial" || !strings.Contains(b.Reason, "in the bank registry") {
			t.Errorf("%s: %+v", text, b)
		}
	}
}
