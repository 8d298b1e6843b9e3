using AccountabilityDsl.Binding;
using AccountabilityDsl.LanguageServer.Workspace;
using AccountabilityDsl.Syntax;
using Lsp = AccountabilityDsl.LanguageServer.Protocol;

namespace AccountabilityDsl.LanguageServer.Features;

/// <summary>Go to definition, find references, the outline and workspace symbols.</summary>
internal static class Navigation
{
    public static Lsp.Location[] Definition(DocumentAnalysis analysis, Lsp.Position position) =>
        analysis.OccurrenceAt(position) is { } occurrence ? [analysis.LocationOf(occurrence.Symbol)] : [];

    public static Lsp.Location[] References(DocumentAnalysis analysis, Lsp.Position position, bool includeDeclaration)
    {
        if (analysis.OccurrenceAt(position) is not { } occurrence)
        {
            return [];
        }

        return [.. analysis.Index.Of(occurrence.Symbol)
            .Where(o => includeDeclaration || !o.IsDeclaration)
            .OrderBy(o => o.Source.FilePath, StringComparer.Ordinal).ThenBy(o => o.Span.Start)
            .Select(o => DocumentAnalysis.LocationOf(o.Source, o.Span))];
    }

    public static Lsp.DocumentSymbol[] DocumentSymbols(DocumentAnalysis analysis)
    {
        var result = new List<Lsp.DocumentSymbol>();
        foreach (DeclarationSyntax declaration in analysis.Tree.Declarations)
        {
            Lsp.Range range = analysis.RangeOf(declaration.Span);
            Lsp.DocumentSymbol? Named(NameSyntax name, Lsp.SymbolKind kind, string? detail, Lsp.DocumentSymbol[]? children = null) =>
                name.IsMissing ? null : new Lsp.DocumentSymbol(name.Text, detail, kind, range, analysis.RangeOf(name.Span), children);

            Lsp.DocumentSymbol? symbol = declaration switch
            {
                PolicyHeaderSyntax header => Named(header.Name, Lsp.SymbolKind.Namespace, header.NamespaceText),
                AttributeDeclarationSyntax attribute => Named(attribute.Name, Lsp.SymbolKind.Field, attribute.Type.Kind.ToString().ToLowerInvariant()),
                SegmentDeclarationSyntax segment => Named(segment.Name, Lsp.SymbolKind.Class, "segment"),
                StagesDeclarationSyntax stages => new Lsp.DocumentSymbol(
                    "stages", string.Join(" -> ", stages.Stages.Select(s => s.Text)), Lsp.SymbolKind.Enum, range, range,
                    [.. stages.Stages.Where(s => !s.IsMissing).Select(s => new Lsp.DocumentSymbol(s.Text, "stage", Lsp.SymbolKind.EnumMember, analysis.RangeOf(s.Span), analysis.RangeOf(s.Span), null))]),
                OwnerDeclarationSyntax owner => Named(owner.Name, Lsp.SymbolKind.Interface, "owner"),
                ChannelDeclarationSyntax channel => Named(channel.Name, Lsp.SymbolKind.Event, "channel"),
                OfferDeclarationSyntax offer => Named(offer.Name, Lsp.SymbolKind.Function, "offer by " + offer.Sponsor.Text),
                AssignmentDeclarationSyntax assignment when !assignment.Owner.IsMissing => new Lsp.DocumentSymbol(
                    $"{assignment.Role.ToString().ToLowerInvariant()} {assignment.Owner.Text}",
                    analysis.Source.ToString(assignment.Span), Lsp.SymbolKind.Property, range, analysis.RangeOf(assignment.Owner.Span), null),
                LimitDeclarationSyntax limit => new Lsp.DocumentSymbol(
                    "limit " + limit.Scope.DisplayText, null, Lsp.SymbolKind.Constant, range, analysis.RangeOf(limit.Scope.Span), null),
                CooldownDeclarationSyntax cooldown when !cooldown.Event.IsMissing => new Lsp.DocumentSymbol(
                    "cooldown after " + cooldown.Event.Text, null, Lsp.SymbolKind.Constant, range, analysis.RangeOf(cooldown.Event.Span), null),
                _ => null,
            };
            if (symbol is not null)
            {
                result.Add(symbol);
            }
        }

        return [.. result];
    }

    /// <summary>Declared names matching the query (by subsequence, ignoring case, as editors filter).</summary>
    public static Lsp.SymbolInformation[] WorkspaceSymbols(IEnumerable<DocumentAnalysis> documents, string query, CancellationToken cancellation)
    {
        var result = new List<Lsp.SymbolInformation>();
        // Each policy once, however many of its files are known.
        foreach (DocumentAnalysis analysis in documents.DistinctBy(d => d.Compilation))
        {
            cancellation.ThrowIfCancellationRequested();
            foreach (Occurrence declaration in analysis.Index.All.Where(o => o.IsDeclaration && Matches(o.Symbol.Name, query)))
            {
                result.Add(new Lsp.SymbolInformation(
                    declaration.Symbol.Name, KindOf(declaration.Symbol.Kind), DocumentAnalysis.LocationOf(declaration.Source, declaration.Span), analysis.Policy.Name));
            }
        }

        return [.. result.OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase).ThenBy(s => s.Location.Uri, StringComparer.Ordinal)];
    }

    public static Lsp.SymbolKind KindOf(SymbolKind kind) => kind switch
    {
        SymbolKind.Attribute => Lsp.SymbolKind.Field,
        SymbolKind.Segment => Lsp.SymbolKind.Class,
        SymbolKind.Stage => Lsp.SymbolKind.EnumMember,
        SymbolKind.Owner => Lsp.SymbolKind.Interface,
        SymbolKind.Channel => Lsp.SymbolKind.Event,
        SymbolKind.Offer => Lsp.SymbolKind.Function,
        _ => Lsp.SymbolKind.Key,
    };

    private static bool Matches(string name, string query)
    {
        int at = 0;
        foreach (char c in name)
        {
            if (at < query.Length && char.ToLowerInvariant(c) == char.ToLowerInvariant(query[at]))
            {
                at++;
            }
        }

        return at == query.Length;
    }
}
