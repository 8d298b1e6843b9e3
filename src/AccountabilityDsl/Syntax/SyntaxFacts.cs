namespace AccountabilityDsl.Syntax;

/// <summary>
/// How the language spells its keywords, operators and periods: the one table that parser
/// messages, the formatter, the code generator and diagnostics messages write them from, so the
/// same concept is never spelt two ways.
/// </summary>
public static class SyntaxFacts
{
    public static string Text(ComparisonOperator op) => op switch
    {
        ComparisonOperator.LessThan => "<",
        ComparisonOperator.LessThanOrEqual => "<=",
        ComparisonOperator.GreaterThan => ">",
        ComparisonOperator.GreaterThanOrEqual => ">=",
        ComparisonOperator.Equal => "==",
        _ => "!=",
    };

    public static string Text(LogicalOperator op) => op == LogicalOperator.And ? "and" : "or";

    /// <summary><c>day</c>, <c>week</c>, <c>month</c>, <c>year</c>, or their plural.</summary>
    public static string Text(PeriodUnit unit, bool plural = false)
    {
        string text = unit switch
        {
            PeriodUnit.Day => "day",
            PeriodUnit.Week => "week",
            PeriodUnit.Month => "month",
            _ => "year",
        };
        return plural ? text + "s" : text;
    }

    /// <summary>The keyword of a RACI role: <c>accountable</c>, <c>responsible</c>, <c>consulted</c>, <c>informed</c>.</summary>
    public static string Keyword(RaciRole role) => role switch
    {
        RaciRole.Accountable => "accountable",
        RaciRole.Responsible => "responsible",
        RaciRole.Consulted => "consulted",
        _ => "informed",
    };
}
