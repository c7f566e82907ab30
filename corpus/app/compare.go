package app

import (
	"context"

	"casebank/corpus"
)

// How many banks a comparison sets side by side.
const (
	MinCompared = 2
	MaxCompared = 4
)

// FindBank finds a bank by its id, name, alias or English name.
func (s *Service) FindBank(ctx context.Context, given string) (*corpus.Bank, error) {
	return s.index.FindBank(ctx, given)
}

// FindBankCases returns a bank's cases in id order, found through the index
// (reading only that bank's records).
func (s *Service) FindBankCases(ctx context.Context, bankID string) ([]*corpus.Case, error) {
	return s.index.BankCases(ctx, bankID)
}
