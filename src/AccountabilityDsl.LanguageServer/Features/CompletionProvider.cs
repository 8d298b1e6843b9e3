using AccountabilityDsl.Binding;
using AccountabilityDsl.LanguageServer.Workspace;
using AccountabilityDsl.Syntax;
using Lsp = AccountabilityDsl.LanguageServer.Protocol;

namespace AccountabilityDsl.LanguageServer.Features;

/// <summary>
/// Completion of what fits the position: after <c>for</c> or <c>to</c> segments and <c>*</c>,
/// after <c>at</c> or <c>..</c> stages, after <c>via</c> channels, after <c>by</c> and a RACI
/// keyword owners (and after <c>reports to</c> and <c>fallback</c>), in a predicate attributes and segments, after <c>limit</c> channels and offers, and
/// keywords where a declaration or a clause starts. The position is read from the text before
/// the caret, so it works on half-typed declarations the parser cannot make sense of.
/// </summary>
internal static class CompletionProvider
{
    /// <summary>The keywords a declaration starts with.</summary>
    public static readonly string[] DeclarationKeywords =
        ["policy", "attribute", "segment", "stages", "owner", "channel", "accountable", "responsible", "consulted", "informed", "offer", "limit", "cooldown", "exempt", "fallback", "group", "never", "quiet"];

    private static readonly Dictionary<string, string[]> ClauseKeywords = new(StringComparer.Ordinal)
    {
        ["accountable"] = ["for", "at", "via"],
        ["responsible"] = ["for", "at", "via"],
        ["consulted"] = ["for", "at", "via"],
        ["informed"] = ["for", "at", "via"],
        ["offer"] = ["by", "to", "at", "via", "min", "priority", "approved"],
        ["segment"] = ["where", "and", "or", "not", "in"],
        ["channel"] = ["capacity", "requires"],
        ["owner"] = ["reports"],
        ["limit"] = ["per", "in", "at"],
        ["never"] = ["with", "after", "within"],
        ["policy"] = ["namespace"],
    };

    public static Lsp.CompletionList Complete(DocumentAnalysis analysis, Lsp.Position position)
    {
        string text = analysis.Source.Text;
        int caret = analysis.OffsetOf(position);
        int wordStart = caret;
        while (wordStart > 0 && Rename.IsNameChar(text[wordStart - 1]))
        {
            wordStart--;
        }

        var items = new List<Lsp.CompletionItem>();
        BoundPolicy policy = analysis.Policy;
        List<string> before = TokensBefore(text, wordStart, out bool startsLine);
        if (startsLine && (before.Count == 0 || IsLineStart(text, wordStart)))
        {
            Keywords(items, DeclarationKeywords);
            return new Lsp.CompletionList(false, [.. items]);
        }

        string? declaration = before.LastOrDefault(t => DeclarationKeywords.Contains(t));
        string? governing = Governing(before, out bool afterCompleteItem);
        if (afterCompleteItem)
        {
            Keywords(items, declaration is not null && ClauseKeywords.TryGetValue(declaration, out string[]? clauses) ? clauses : []);
            if (governing is "approved")
            {
                Keywords(items, ["by"]);
            }

            return new Lsp.CompletionList(false, [.. items]);
        }

        switch (governing)
        {
            // 'owner X reports to Y': the superior is an owner (not X itself), not a segment.
            case "to" when declaration == "owner":
                Symbols(items, policy.Owners.Where(o => o.Name != NameDeclaredBy(before, "owner")));
                break;
            case "fallback":
                Symbols(items, policy.Owners);
                break;
            case "reports":
                Keywords(items, ["to"]);
                break;
            case "for" or "to":
                Symbols(items, policy.Segments);
                items.Add(new Lsp.CompletionItem("*", Lsp.CompletionItemKind.Operator, "every segment", "0"));
                break;
            case "at" or "..":
                Symbols(items, policy.Stages);
                if (governing == "at")
                {
                    items.Add(new Lsp.CompletionItem("*", Lsp.CompletionItemKind.Operator, "every stage", "0"));
                }

                break;
            case "via":
                Symbols(items, policy.Channels);
                break;
            case "by" or "accountable" or "responsible" or "consulted" or "informed":
                Symbols(items, policy.Owners);
                break;
            case "approved":
                Keywords(items, ["by"]);
                break;
            case "where" or "and" or "or" or "not" or "(":
                Symbols(items, policy.Attributes);

                // A segment's name is a condition by itself (language v2); not the one being
                // defined, which would be a cycle (OWN0006).
                Symbols(items, policy.Segments.Where(s => s.Name != NameDeclaredBy(before, "segment")));
                Keywords(items, ["not"]);
                break;
            case "limit":
                Keywords(items, ["offers", "contacts"]);
                Symbols(items, policy.Channels);
                Symbols(items, policy.Offers);
                break;
            case "after":
                Symbols(items, policy.Cooldowns.Select(c => c.Event).Distinct());
                break;
            case "exempt":
                Keywords(items, ["transactional"]);
                break;
            default:
                if (declaration is not null && ClauseKeywords.TryGetValue(declaration, out string[]? clauses))
                {
                    Keywords(items, clauses);
                }

                break;
        }

        return new Lsp.CompletionList(false, [.. items]);
    }

    /// <summary>The name the declaration keyword before the caret declares (<c>segment X where …</c>).</summary>
    private static string? NameDeclaredBy(List<string> before, string keyword)
    {
        int at = before.LastIndexOf(keyword);
        return at >= 0 && at + 1 < before.Count ? before[at + 1] : null;
    }

    /// <summary>
    /// The keyword (or <c>..</c>, <c>(</c>) that decides what the caret's word is, walking back
    /// over a list of names; whether a whole name (not followed by a comma) stands in between.
    /// </summary>
    private static string? Governing(List<string> before, out bool afterCompleteItem)
    {
        afterCompleteItem = false;
        bool expectName = true;
        for (int i = before.Count - 1; i >= 0; i--)
        {
            string token = before[i];
            if (token == ",")
            {
                expectName = true;
                continue;
            }

            bool isName = token == "*" || (token.Length > 0 && (char.IsLetter(token[0]) || token[0] == '_') && !SyntaxClassifier.IsKeyword(token));
            if (isName)
            {
                if (expectName && i == before.Count - 1)
                {
                    afterCompleteItem = true;
                }

                expectName = false;
                continue;
            }

            if (afterCompleteItem && token == "..")
            {
                afterCompleteItem = false;
                return "..";
            }

            return token;
        }

        return null;
    }

    /// <summary>The tokens of the current declaration before a position (back to a line that starts a declaration).</summary>
    private static List<string> TokensBefore(string text, int end, out bool startsLine)
    {
        int lineStart = end;
        while (lineStart > 0 && text[lineStart - 1] is not '\n' and not '\r')
        {
            lineStart--;
        }

        startsLine = text.AsSpan(lineStart, end - lineStart).IsWhiteSpace();
        // An offer continues on indented lines: read back to the line that is not indented.
        int from = lineStart;
        while (from > 0 && from < text.Length && text[from] is ' ' or '\t')
        {
            int previous = from - 1;
            if (previous > 0 && text[previous] == '\n' && text[previous - 1] == '\r')
            {
                previous--;
            }

            while (previous > 0 && text[previous - 1] is not '\n' and not '\r')
            {
                previous--;
            }

            from = previous;
        }

        var tokens = new List<string>();
        for (int i = from; i < end;)
        {
            char c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '/' && i + 1 < end && text[i + 1] == '/')
            {
                while (i < end && text[i] is not '\n' and not '\r')
                {
                    i++;
                }
            }
            else if (c == '"')
            {
                int close = text.IndexOf('"', i + 1);
                i = close < 0 || close >= end ? end : close + 1;
            }
            else if (Rename.IsNameChar(c))
            {
                int start = i;
                while (i < end && Rename.IsNameChar(text[i]))
                {
                    i++;
                }

                tokens.Add(text[start..i]);
            }
            else if (c == '.' && i + 1 < end && text[i + 1] == '.')
            {
                tokens.Add("..");
                i += 2;
            }
            else
            {
                tokens.Add(c.ToString());
                i++;
            }
        }

        return tokens;
    }

    private static bool IsLineStart(string text, int position) => position == 0 || text[position - 1] is '\n' or '\r';

    private static void Keywords(List<Lsp.CompletionItem> items, IEnumerable<string> keywords)
    {
        foreach (string keyword in keywords)
        {
            items.Add(new Lsp.CompletionItem(keyword, Lsp.CompletionItemKind.Keyword, "keyword", "2" + keyword));
        }
    }

    private static void Symbols(List<Lsp.CompletionItem> items, IEnumerable<Symbol> symbols)
    {
        foreach (Symbol symbol in symbols)
        {
            items.Add(new Lsp.CompletionItem(symbol.Name, KindOf(symbol.Kind), symbol.Kind.ToString().ToLowerInvariant(), "1" + symbol.Name));
        }
    }

    private static Lsp.CompletionItemKind KindOf(SymbolKind kind) => kind switch
    {
        SymbolKind.Attribute => Lsp.CompletionItemKind.Field,
        SymbolKind.Segment => Lsp.CompletionItemKind.Class,
        SymbolKind.Stage => Lsp.CompletionItemKind.EnumMember,
        SymbolKind.Owner => Lsp.CompletionItemKind.Interface,
        SymbolKind.Channel => Lsp.CompletionItemKind.Event,
        SymbolKind.Offer => Lsp.CompletionItemKind.Function,
        _ => Lsp.CompletionItemKind.Value,
    };
}
