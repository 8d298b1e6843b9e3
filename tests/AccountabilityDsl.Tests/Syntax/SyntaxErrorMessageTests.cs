using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Tests.Syntax;

/// <summary>
/// Every syntax-error message shape, one small malformed input per case, grouped by area. The
/// baselines show each input, the message and carets under the reported span; each case also
/// states how many errors it must give, so a cascade shows up as a failure, not as baseline noise.
/// </summary>
public class SyntaxErrorMessageTests
{
    [Fact]
    public void Missing_names_after_declaration_keywords() => Verify("Errors.MissingNames.txt",
    [
        new("policy name", "policy"),
        new("policy name before the next declaration", "policy\nowner Sales"),
        new("namespace name", "policy P namespace"),
        new("namespace part after '.'", "policy P namespace A."),
        new("attribute name", "attribute"),
        new("attribute name before ':'", "attribute : int"),
        new("segment name", "segment"),
        new("segment name before 'where'", "segment where assets > 1"),
        new("owner name", "owner"),
        new("owner name before a description", "owner \"Brand\""),
        new("channel name", "channel"),
        new("stage name after 'stages'", "stages"),
        new("stage name after '->' at the end of the file", "stages Prospect ->"),
        new("stage name after '->' at the end of a line", "stages Prospect -> Active ->\nowner Sales"),
        new("accountable owner", "accountable"),
        new("accountable owner before 'for'", "accountable for * at *"),
        new("responsible owner", "responsible for * at *"),
        new("consulted owner", "consulted"),
        new("informed owner", "informed"),
        new("offer name", "offer"),
        new("offer sponsor after 'by'", "offer BoatLoan by"),
        new("limit scope", "limit"),
        new("limit scope before 'per'", "limit per customer: at most 1 per 1 day"),
        new("cooldown event", "cooldown 30 days after"),
        new("exempt category", "exempt"),
    ]);

    [Fact]
    public void Keywords_used_as_names() => Verify("Errors.KeywordsAsNames.txt",
    [
        new("owner named like a keyword", "owner policy"),
        new("segment named like a keyword", "segment offer where assets > 1"),
        new("stage named like a keyword", "stages Prospect -> limit -> Active"),
        new("namespace part named like a keyword", "policy P namespace Contoso.owner"),
        new("attribute named like a keyword", "attribute min: int"),
        new("channel named like a keyword", "channel cell capacity 5 per day"),
        new("a declaration keyword on the next line starts a declaration", "stages Prospect ->\nowner Sales"),
        new("a structural keyword where a list item is missing", "accountable Sales for Retail, at Active"),
        new("enum member named like a keyword", "attribute region: enum { North, day }"),
    ]);

    [Fact]
    public void Attributes() => Verify("Errors.Attributes.txt",
    [
        new("missing ':'", "attribute assets decimal"),
        new("missing type at the end of the file", "attribute assets:"),
        new("missing type at the end of a line", "attribute assets:\nsegment Affluent"),
        new("unknown type", "attribute assets: string"),
        new("enum without braces", "attribute region: enum North, South"),
        new("empty enum", "attribute region: enum { }"),
        new("trailing comma in an enum", "attribute region: enum { North, }"),
        new("missing comma in an enum", "attribute region: enum { North South }"),
        new("unclosed enum", "attribute region: enum { North, South"),
    ]);

    [Fact]
    public void Predicates() => Verify("Errors.Predicates.txt",
    [
        new("nothing after 'where'", "segment S where"),
        new("nothing after 'and'", "segment S where a and"),
        new("nothing after 'not'", "segment S where not"),
        new("doubled 'or'", "segment S where a or or b"),
        new("nothing after a comparison", "segment S where assets <"),
        new("string as a comparison literal", "segment S where assets < \"250k\""),
        new("operator as a comparison literal", "segment S where assets < >"),
        new("minus without a number", "segment S where assets > -x"),
        new("a literal without an operator", "segment S where assets 5"),
        new("a second condition without 'and'/'or'", "segment S where assets < 1 owns_boat"),
        new("unclosed parenthesis at the end of the file", "segment S where (assets > 1"),
        new("unclosed outer parenthesis", "segment S where (a and (b or c)"),
        new("unclosed parenthesis before another token", "segment S where (assets < 1 owns_boat"),
        new("unmatched ')'", "segment S where assets > 1)"),
        new("'in' without braces", "segment S where region in North"),
        new("empty 'in' set", "segment S where region in { }"),
        new("unclosed 'in' set", "segment S where region in { North,"),
        new("missing comma in an 'in' set", "segment S where region in { North South }"),
        new("'=' for '=='", "segment S where assets = 3"),
        new("'=<' for '<='", "segment S where assets =< 3"),
        new("'=>' for '>='", "segment S where assets => 3"),
        new("'<>' for '!='", "segment S where assets <> 3"),
        new("'&&' and '||' and '!' for 'and', 'or', 'not'", "segment S where a && !b || c", Errors: 3),
        new("'&' for 'and'", "segment S where a & b"),
        new("number too large for a decimal", "segment S where assets < 99999999999999999999999999999999999"),
        new("documentation after 'where'", "segment S where a \"doc\""),
    ]);

    [Fact]
    public void Lists_and_stage_ranges() => Verify("Errors.Lists.txt",
    [
        new("missing 'for'", "accountable Sales at Active"),
        new("nothing after 'for'", "accountable Sales for"),
        new("nothing after a comma in a segment list", "accountable Sales for Retail,"),
        new("missing 'at'", "accountable Sales for Retail"),
        new("nothing after 'at'", "accountable Sales for Retail at"),
        new("nothing after 'at' at the end of a line", "accountable Sales for Retail at\nowner Marketing"),
        new("open stage range", "accountable Sales for Retail at Onboarding.."),
        new("open stage range at the end of a line", "accountable Sales for * at Prospect..\nowner Sales"),
        new("range with a wildcard", "accountable Sales for * at Prospect..*"),
        new("nothing after a comma in a stage list", "accountable Sales for * at Prospect,"),
        new("'->' twice", "stages Prospect -> -> Active"),
        new("stages without arrows", "stages Prospect Active"),
        new("'via' on an accountable line", "accountable Sales for * at Active via Email"),
        new("nothing after 'via'", "responsible Operations for * at Active via"),
        new("nothing after a comma in a channel list", "informed Operations for * at Active via Email,"),
    ]);

    [Fact]
    public void Channels_offers_limits_cooldowns() => Verify("Errors.Clauses.txt",
    [
        new("capacity without a number", "channel Email capacity"),
        new("capacity without 'per'", "channel Email capacity 5"),
        new("capacity without a period", "channel Email capacity 5 per"),
        new("capacity with an unknown period", "channel Email capacity 5 per fortnight"),
        new("capacity with a decimal", "channel Email capacity 2.5 per day"),
        new("stray number after a channel", "channel Email 42"),
        new("offer without 'by'", "offer BoatLoan to Boaters via Email"),
        new("offer without 'to'", "offer BoatLoan by Sales via Email"),
        new("offer targets nothing", "offer BoatLoan by Sales to"),
        new("offer stages missing", "offer BoatLoan by Sales to Boaters at"),
        new("offer channels missing", "offer BoatLoan by Sales to Boaters via"),
        new("'min' without 'cell'", "offer BoatLoan by Sales to Boaters min 250"),
        new("'min cell' without a number", "offer BoatLoan by Sales to Boaters min cell"),
        new("'priority' without a number", "offer BoatLoan by Sales to Boaters priority"),
        new("'priority' with a decimal", "offer BoatLoan by Sales to Boaters priority 0.5 via Email"),
        new("'approved' without 'by'", "offer BoatLoan by Sales to Boaters approved Sales"),
        new("'approved by' without owners", "offer BoatLoan by Sales to Boaters approved by"),
        new("nothing after a comma in 'approved by'", "offer BoatLoan by Sales to Boaters approved by Sales,"),
        new("stray token after an offer", "offer BoatLoan by Sales to Boaters via Email 42"),
        new("repeated 'via' clause", "offer BoatLoan by Sales to Boaters via Email via DirectMail"),
        new("repeated 'priority' clause", "offer BoatLoan by Sales to Boaters priority 1 via Email priority 2"),
        new("repeated 'at' clause in another order", "offer BoatLoan by Sales to Boaters at Active via Email at Retention"),
        new("limit without 'per customer'", "limit offers: at most 3 per 365 days"),
        new("limit per something else", "limit offers per day: at most 3 per 365 days"),
        new("limit without ':'", "limit offers per customer at most 3 per 365 days"),
        new("limit without 'at'", "limit offers per customer: most 3 per 365 days"),
        new("limit without a count", "limit offers per customer: at most"),
        new("limit with a decimal count", "limit offers per customer: at most 3.5 per 365 days"),
        new("limit with a negative count", "limit offers per customer: at most -1 per 365 days"),
        new("limit count too large", "limit offers per customer: at most 99999999999 per 365 days"),
        new("limit without a window", "limit offers per customer: at most 3"),
        new("limit window without a length", "limit offers per customer: at most 3 per days"),
        new("limit window without a unit", "limit offers per customer: at most 3 per 365"),
        new("limit with 'calendar' twice", "limit Email per customer: at most 1 per 1 day calendar calendar"),
        new("cooldown without a duration", "cooldown days after Complaint"),
        new("cooldown with a decimal duration", "cooldown 2.5 days after Complaint"),
        new("cooldown without a unit", "cooldown 30 after Complaint"),
        new("cooldown without 'after'", "cooldown 30 days Complaint"),
        new("exempt with a string", "exempt \"transactional\""),
    ]);

    [Fact]
    public void Between_declarations() => Verify("Errors.BetweenDeclarations.txt",
    [
        new("a name where a declaration should start", "owner Sales\nMarketing\nowner Operations"),
        new("several stray tokens on one line", "owner Sales\nfoo bar baz\nowner Operations"),
        new("a stray token first in the file", "Marketing\nowner Sales"),
        new("a stray number after a complete declaration", "owner Sales 42"),
        new("a second description", "segment S \"doc\" \"more\""),
        new("a stray token after a segment name", "segment S 42"),
        new("a stray token after a namespace", "policy P namespace A..B"),
        new("punctuation between declarations", "owner Sales\n, owner Operations"),
        new("a misspelt declaration keyword", "owner Sales\natribute assets: decimal\nowner Operations"),
        new("a declaration keyword in the wrong case", "owner Sales\nOwner Operations"),
        new("a misspelt policy header", "polcy RetailBank\nowner Sales"),
    ]);

    [Fact]
    public void Lexical_errors() => Verify("Errors.Lexical.txt",
    [
        new("one unexpected character", "owner Sales #"),
        new("a run of unexpected characters", "owner Sales @@@"),
        new("unexpected characters separated by spaces", "owner Sales # $ %"),
        new("NUL bytes", "owner A\0\0\0\nowner B"),
        new("a run of binary garbage", "owner A \u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000e\u000f\u0010\u0011\u0012\u0013\u0014\nowner B"),
        new("an emoji", "owner Sales 😀"),
        new("a non-ASCII letter in a name", "owner Señor"),
        new("unterminated string at the end of a line", "owner Sales \"Brand and\nowner Marketing"),
        new("unterminated string at the end of the file", "owner Sales \"Brand"),
        new("unterminated string ending in a backslash", "owner Sales \"Brand\\"),
        new("unknown escape in a string", "owner Sales \"Brand\\nawareness\""),
        new("two unknown escapes in a string", "owner Sales \"a\\tb\\qc\"", Errors: 2),
        new("unterminated block comment", "owner Sales\n/* the rest\nowner Marketing"),
        new("'*/' without an opening comment", "owner Sales */"),
    ]);

    private static void Verify(string baseline, IEnumerable<SyntaxErrorCase> cases) =>
        Baseline.Verify(SyntaxErrorCases.Render(cases), "Syntax/" + baseline);
}
