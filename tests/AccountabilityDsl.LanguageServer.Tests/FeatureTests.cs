using System.Text.Json;
using AccountabilityDsl.Formatting;
using AccountabilityDsl.LanguageServer.Protocol;
using AccountabilityDsl.LanguageServer.Tests.Infrastructure;
using StreamJsonRpc;
using Range = AccountabilityDsl.LanguageServer.Protocol.Range;

namespace AccountabilityDsl.LanguageServer.Tests;

/// <summary>Every language feature, asked through the protocol of a server that has the sample open.</summary>
public class FeatureTests
{
    private static async Task<(LspClient Client, string Uri, string Text)> OpenAsync(string sample, string? text = null)
    {
        LspClient client = await LspClient.StartAsync();
        text ??= Samples.Read(sample);
        string uri = await client.OpenAsync(Path.Combine(Path.GetTempPath(), "lsp-features", sample), text);
        return (client, uri, text);
    }

    private static TextDocumentPositionParams At(string uri, string text, string needle, int occurrence = 1, int into = 1)
    {
        (int line, int character) = Samples.Find(text, needle, occurrence, into);
        return LspClient.At(uri, line, character);
    }

    private static async Task<string> HoverAsync(LspClient client, TextDocumentPositionParams at) =>
        (await client.RequestAsync<Hover>("textDocument/hover", at)).Contents.Value;

    [Fact]
    public async Task Hover_on_a_segment_shows_its_predicate_and_its_owner_at_each_stage()
    {
        var (client, uri, text) = await OpenAsync("retail-bank.owner");
        await using var _ = client;
        string hover = await HoverAsync(client, At(uri, text, "for MassMarket", into: 5));
        hover.ShouldContain("segment MassMarket where assets < 250000 and tenure_years >= 1");
        hover.ShouldContain("| Prospect | Marketing |");
        hover.ShouldContain("| Onboarding | Sales |");
        hover.ShouldContain("| Retention | Operations |");
    }

    [Fact]
    public async Task Hover_on_an_owner_lists_the_cells_it_is_accountable_for()
    {
        var (client, uri, text) = await OpenAsync("retail-bank.owner");
        await using var _ = client;
        string hover = await HoverAsync(client, At(uri, text, "owner Sales", into: 7));
        hover.ShouldContain("owner Sales");
        hover.ShouldContain("- MassMarket at Onboarding..Active");
        hover.ShouldContain("- Newcomers at Onboarding..Active");
        hover.ShouldNotContain("Affluent at");
    }

    [Fact]
    public async Task Hover_on_an_owner_shows_its_reporting_line_its_direct_reports_and_the_fallback()
    {
        var (client, uri, text) = await OpenAsync("key-accounts.owner");
        await using var _ = client;
        string manager = await HoverAsync(client, At(uri, text, "owner KeyAccountManager", into: 7));
        manager.ShouldContain("\nReports to: CorporateBankingHead → President\n");
        manager.ShouldNotContain("Direct reports");
        manager.ShouldNotContain("fallback owner");

        string head = await HoverAsync(client, At(uri, text, "owner CorporateBankingHead", into: 7));
        head.ShouldContain("\nReports to: President\n");
        head.ShouldContain("\nDirect reports: KeyAccountManager, LargeCorporateManager, MidCorporateManager\n");

        string president = await HoverAsync(client, At(uri, text, "fallback President", into: 10));
        president.ShouldNotContain("Reports to");
        president.ShouldContain("\nDirect reports: CorporateBankingHead, BusinessBankingManager\n");
        president.ShouldContain("The fallback owner (line 31)");
    }

    [Fact]
    public async Task Hover_on_a_segment_shows_fallback_cells_as_the_fallback_owners()
    {
        var (client, uri, text) = await OpenAsync("key-accounts.owner");
        await using var _ = client;
        string hover = await HoverAsync(client, At(uri, text, "segment LargeCorporate", into: 9));
        hover.ShouldContain("| Prospect | President (fallback) |");
        hover.ShouldContain("| Active | LargeCorporateManager |");
    }

    [Fact]
    public async Task Hover_on_a_stage_shows_who_owns_each_segment_there()
    {
        var (client, uri, text) = await OpenAsync("company-c.owner");
        await using var _ = client;
        string hover = await HoverAsync(client, At(uri, text, "-> Lapsed", into: 4));
        hover.ShouldContain("Stage 5 of 5.");
        hover.ShouldContain("| Starters | *none* |");
        string active = await HoverAsync(client, At(uri, text, "at Active", into: 4));
        active.ShouldContain("| Champions | CustomerSuccess |");
    }

    [Fact]
    public async Task Hover_on_an_offer_shows_sponsor_approvers_and_the_limits_covering_it()
    {
        var (client, uri, text) = await OpenAsync("retail-bank.owner");
        await using var _ = client;
        string hover = await HoverAsync(client, At(uri, text, "offer BoatLoan", into: 7));
        hover.ShouldContain("- sponsor: BoatLoanProductManager");
        hover.ShouldContain("- approved by: Sales, AffluentSegmentManager");
        hover.ShouldContain("- offers: at most 3 per 365 days");
        hover.ShouldContain("- channel Email: at most 1 per 1 day calendar");
        hover.ShouldNotContain("CallCentre:");
    }

    [Fact]
    public async Task Hover_away_from_any_name_is_empty()
    {
        var (client, uri, text) = await OpenAsync("retail-bank.owner");
        await using var _ = client;
        (await client.RequestAsync<JsonElement>("textDocument/hover", At(uri, text, "// Typed customer", into: 4))).ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task Definition_and_references_of_an_owner()
    {
        var (client, uri, text) = await OpenAsync("retail-bank.owner");
        await using var _ = client;
        Location[] definition = await client.RequestAsync<Location[]>("textDocument/definition", At(uri, text, "approved by Sales", into: 13));
        (int line, int character) = Samples.Find(text, "owner Sales", into: 6);
        definition.ShouldHaveSingleItem().ShouldBe(new Location(uri, new Range(new Position(line, character), new Position(line, character + 5))));

        Location[] references = await client.RequestAsync<Location[]>("textDocument/references", new ReferenceParams(
            new TextDocumentIdentifier(uri), new Position(line, character + 2), new ReferenceContext(true)));
        references.Select(r => r.Range.Start.Line).ShouldBe(
            [line, Samples.Find(text, "accountable Sales").Line, Samples.Find(text, "approved by Sales").Line, Samples.Find(text, "offer Remortgage by Sales").Line]);
        Location[] withoutDeclaration = await client.RequestAsync<Location[]>("textDocument/references", new ReferenceParams(
            new TextDocumentIdentifier(uri), new Position(line, character + 2), new ReferenceContext(false)));
        withoutDeclaration.Length.ShouldBe(3);
    }

    [Fact]
    public async Task Document_symbols_outline_the_declarations()
    {
        var (client, uri, _) = await OpenAsync("retail-bank.owner");
        await using var __ = client;
        DocumentSymbol[] symbols = await client.RequestAsync<DocumentSymbol[]>("textDocument/documentSymbol", new DocumentSymbolParams(new TextDocumentIdentifier(uri)));
        symbols[0].ShouldBe(symbols[0] with { Name = "RetailBank", Kind = SymbolKind.Namespace, Detail = "Contoso.Banking.Policies" });
        symbols.Select(s => s.Name).ShouldContain("Affluent");
        symbols.Single(s => s.Name == "stages").Children!.Select(c => c.Name).ShouldBe(["Prospect", "Onboarding", "Active", "Retention"]);
        symbols.Single(s => s.Name == "BoatLoan").Kind.ShouldBe(SymbolKind.Function);
        symbols.Count(s => s.Name.StartsWith("accountable ", StringComparison.Ordinal)).ShouldBe(4);
    }

    [Fact]
    public async Task Workspace_symbols_search_every_file_of_the_workspace()
    {
        using var folder = new TempFolder();
        folder.Write("bank.owner", Samples.Read("retail-bank.owner"));
        folder.Write("c.owner", Samples.Read("company-c.owner"));
        await using LspClient client = await LspClient.StartAsync(folder.Path);
        await client.DiagnosticsAsync(LspClient.UriOf(Path.Combine(folder.Path, "c.owner")));
        SymbolInformation[] found = await client.RequestAsync<SymbolInformation[]>("workspace/symbol", new WorkspaceSymbolParams("marketi"));
        found.Select(s => (s.Name, s.ContainerName)).ShouldBe([("Marketing", "CompanyC"), ("Marketing", "RetailBank")], ignoreOrder: true);
    }

    [Fact]
    public async Task Rename_changes_the_declaration_and_every_reference()
    {
        var (client, uri, text) = await OpenAsync("retail-bank.owner");
        await using var _ = client;
        TextDocumentPositionParams at = At(uri, text, "accountable Sales", into: 13);
        PrepareRenameResult prepared = await client.RequestAsync<PrepareRenameResult>("textDocument/prepareRename", at);
        prepared.Placeholder.ShouldBe("Sales");
        WorkspaceEdit edit = await client.RequestAsync<WorkspaceEdit>("textDocument/rename", new RenameParams(at.TextDocument, at.Position, "Distribution"));
        string renamed = Apply(text, edit.Changes[uri]);
        renamed.ShouldNotContain(" Sales");
        renamed.ShouldContain("owner Distribution\n");
        renamed.ShouldContain("approved by Distribution, AffluentSegmentManager");
        PolicyCompilation.Create(renamed).Diagnostics.ShouldBeEmpty();
    }

    [Fact]
    public async Task Rename_of_an_owner_follows_reports_to_and_fallback()
    {
        var (client, uri, text) = await OpenAsync("key-accounts.owner");
        await using var _ = client;
        TextDocumentPositionParams at = At(uri, text, "owner CorporateBankingHead", into: 7);
        WorkspaceEdit edit = await client.RequestAsync<WorkspaceEdit>("textDocument/rename", new RenameParams(at.TextDocument, at.Position, "CorporateDirector"));
        string renamed = Apply(text, edit.Changes[uri]);
        renamed.ShouldNotContain("CorporateBankingHead");
        renamed.ShouldContain("owner KeyAccountManager        reports to CorporateDirector\n");

        TextDocumentPositionParams president = At(uri, text, "fallback President", into: 10);
        Location[] references = await client.RequestAsync<Location[]>("textDocument/references", new ReferenceParams(president.TextDocument, president.Position, new ReferenceContext(true)));
        int line = text[..text.IndexOf("fallback President", StringComparison.Ordinal)].Count(c => c == '\n');
        references.ShouldContain(r => r.Range.Start.Line == line);
        references.Length.ShouldBe(4); // 'owner President', two 'reports to President', 'fallback President' 

        string before = PolicyCompilation.Create(text).Diagnostics.Select(d => d.Id).Order().Aggregate("", (a, b) => a + b);
        string after = PolicyCompilation.Create(renamed).Diagnostics.Select(d => d.Id).Order().Aggregate("", (a, b) => a + b);
        after.ShouldBe(before);
    }

    [Theory]
    [InlineData("policy RetailBank", 3, "'policy' is a keyword of the language and cannot be renamed")]
    [InlineData("owner Sales", 8, "an owner named 'Marketing' is already declared on line 21")]
    public async Task Rename_is_refused_with_a_message_on_a_keyword_or_a_clash(string needle, int into, string message)
    {
        var (client, uri, text) = await OpenAsync("retail-bank.owner");
        await using var _ = client;
        TextDocumentPositionParams at = At(uri, text, needle, into: into);
        RemoteInvocationException refused = await Should.ThrowAsync<RemoteInvocationException>(
            () => client.RequestAsync<WorkspaceEdit>("textDocument/rename", new RenameParams(at.TextDocument, at.Position, "Marketing")));
        refused.Message.Replace("a owner", "an owner").ShouldBe(message);
        refused.ErrorCode.ShouldBe(-32803);
    }

    [Theory]
    [InlineData("accountable Marketing              for ", new[] { "*", "Affluent", "MassMarket", "Newcomers", "Boaters" })]
    [InlineData("accountable Marketing              for *                     at ", new[] { "*", "Prospect", "Onboarding", "Active", "Retention" })]
    [InlineData("responsible Operations for * at Onboarding via ", new[] { "Email", "DirectMail", "CallCentre" })]
    [InlineData("offer BoatLoan by ", new[] { "Marketing", "Sales", "Operations", "AffluentSegmentManager", "BoatLoanProductManager" })]
    [InlineData("accountable ", new[] { "Marketing", "Sales", "Operations", "AffluentSegmentManager", "BoatLoanProductManager" })]
    [InlineData("accountable Sales                  for MassMarket, Newcomers at Onboarding..", new[] { "Prospect", "Onboarding", "Active", "Retention" })]
    [InlineData("segment MassMarket where ", new[] { "assets", "tenure_years", "owns_boat", "region", "not", "Affluent", "Newcomers", "Boaters" })]
    [InlineData("owner Chief reports ", new[] { "to" })]
    [InlineData("owner Chief reports to ", new[] { "Marketing", "Sales", "Operations", "AffluentSegmentManager", "BoatLoanProductManager" })]
    [InlineData("fallback ", new[] { "Marketing", "Sales", "Operations", "AffluentSegmentManager", "BoatLoanProductManager" })]
    public async Task Completion_offers_the_names_that_fit_the_position(string lineBeforeCaret, string[] expected)
    {
        string text = Samples.Read("retail-bank.owner") + "\n" + lineBeforeCaret;
        var (client, uri, _) = await OpenAsync("retail-bank.owner", text);
        await using var __ = client;
        (int line, int character) = (text.Count(c => c == '\n'), lineBeforeCaret.Length);
        CompletionList list = await client.RequestAsync<CompletionList>("textDocument/completion", new CompletionParams(new TextDocumentIdentifier(uri), new Position(line, character), null));
        list.Items.Select(i => i.Label).ShouldBe(expected, ignoreOrder: true);
    }

    [Fact]
    public async Task Completion_at_the_start_of_a_line_offers_declaration_keywords_and_on_a_continued_offer_its_clauses()
    {
        string text = Samples.Read("retail-bank.owner") + "\nseg";
        var (client, uri, _) = await OpenAsync("retail-bank.owner", text);
        await using var __ = client;
        int last = text.Count(c => c == '\n');
        CompletionList start = await client.RequestAsync<CompletionList>("textDocument/completion", new CompletionParams(new TextDocumentIdentifier(uri), new Position(last, 3), null));
        start.Items.Select(i => i.Label).ShouldContain("segment");
        start.Items.Select(i => i.Label).ShouldContain("accountable");
        start.Items.ShouldAllBe(i => i.Kind == CompletionItemKind.Keyword);

        (int line, _) = Samples.Find(text, "      approved by Sales");
        CompletionList continued = await client.RequestAsync<CompletionList>("textDocument/completion", new CompletionParams(new TextDocumentIdentifier(uri), new Position(line, 6), null));
        continued.Items.Select(i => i.Label).ShouldContain("approved");
        continued.Items.Select(i => i.Label).ShouldNotContain("segment");
    }

    [Fact]
    public async Task Code_action_fixes_a_misspelt_name()
    {
        string text = Samples.Read("retail-bank.owner").Replace("approved by Sales,", "approved by Saless,");
        var (client, uri, _) = await OpenAsync("retail-bank.owner", text);
        await using var __ = client;
        CodeAction[] actions = await ActionsAsync(client, uri, text, "Saless");
        CodeAction fix = actions.Single(a => a.Title == "Change to 'Sales'");
        fix.IsPreferred.ShouldBe(true);
        fix.Diagnostics!.ShouldHaveSingleItem().Code.ShouldBe("OWN0002");
        PolicyCompilation.Create(Apply(text, fix.Edit.Changes[uri])).Diagnostics.ShouldBeEmpty();
    }

    [Fact]
    public async Task Code_action_adds_an_accountable_line_for_a_vacuum()
    {
        var (client, uri, text) = await OpenAsync("company-c.owner");
        await using var _ = client;
        // Each vacuum is anchored on its segment; the fix covers every segment without an owner at Lapsed.
        CodeAction[] actions = await ActionsAsync(client, uri, text, "segment Starters");
        CodeAction add = actions.Single(a => a.Title == "Add 'accountable RetentionDesk for Starters, Regulars, Champions at Lapsed'");
        string fixedText = Apply(text, add.Edit.Changes[uri]);
        fixedText.ShouldContain("accountable RetentionDesk   for * at AtRisk\naccountable RetentionDesk for Starters, Regulars, Champions at Lapsed\n");
        PolicyCompilation.Create(fixedText).Diagnostics.Select(d => d.Id).ShouldNotContain("OWN0101");
        actions.Count(a => a.Title.StartsWith("Add 'accountable ", StringComparison.Ordinal)).ShouldBe(4);
    }

    [Fact]
    public async Task Code_action_adds_the_owner_to_approved_by()
    {
        var (client, uri, text) = await OpenAsync("behavioural-segments.owner");
        await using var _ = client;
        CodeAction[] actions = await ActionsAsync(client, uri, text, "offer FamilyBundle");
        CodeAction approve = actions.Single(a => a.Title == "Add 'BingeSegmentManager' to the 'approved by' list of 'FamilyBundle'");
        string fixedText = Apply(text, approve.Edit.Changes[uri]);
        fixedText.ShouldContain("via Email, Push approved by BingeSegmentManager\n");
        PolicyCompilation.Create(fixedText).Diagnostics.Select(d => d.Id).ShouldNotContain("OWN0302");
    }

    [Fact]
    public async Task Code_actions_remove_an_unused_declaration_or_suppress_the_diagnostic()
    {
        var (client, uri, text) = await OpenAsync("company-a.owner");
        await using var _ = client;
        CodeAction[] actions = await ActionsAsync(client, uri, text, "attribute region");
        string removed = Apply(text, actions.Single(a => a.Title == "Remove unused declaration 'region'").Edit.Changes[uri]);
        removed.ShouldNotContain("attribute region");
        removed.ShouldContain("attribute revenue: decimal\n\nsegment");
        PolicyCompilation.Create(removed).Diagnostics.Select(d => d.Id).ShouldBe(["OWN0103"]);

        string suppressed = Apply(text, actions.Single(a => a.Title == "Suppress OWN0301 on this line").Edit.Changes[uri]);
        suppressed.ShouldContain("// owner-disable-next-line OWN0301\nattribute region");
        PolicyCompilation.Create(suppressed).Diagnostics.Select(d => d.Id).ShouldBe(["OWN0103"]);
    }

    [Fact]
    public async Task Formatting_gives_the_output_of_ownerc_fmt()
    {
        string messy = Samples.Read("retail-bank.owner").Replace("owner Sales\n", "owner    Sales   \n").Replace("accountable Marketing              for", "accountable Marketing for");
        var (client, uri, _) = await OpenAsync("retail-bank.owner", messy);
        await using var __ = client;
        TextEdit[] edits = await client.RequestAsync<TextEdit[]>("textDocument/formatting", new DocumentFormattingParams(new TextDocumentIdentifier(uri), new FormattingOptions(4, true)));
        string formatted = Apply(messy, edits);
        formatted.ShouldBe(PolicyFormatter.Format(Text.SourceText.From(messy)).FormattedText);
        formatted.ShouldNotBe(messy);
        formatted.ShouldContain("\nowner Sales\n");

        await client.ChangeAsync(uri, null, formatted);
        (await client.RequestAsync<TextEdit[]>("textDocument/formatting", new DocumentFormattingParams(new TextDocumentIdentifier(uri), null))).ShouldBeEmpty();

        await client.ChangeAsync(uri, null, "policy P\nowner\n");
        (await client.RequestAsync<TextEdit[]>("textDocument/formatting", new DocumentFormattingParams(new TextDocumentIdentifier(uri), null))).ShouldBeEmpty();
    }

    [Fact]
    public async Task Semantic_tokens_classify_keywords_names_comments_strings_and_numbers()
    {
        var (client, uri, text) = await OpenAsync("retail-bank.owner");
        await using var _ = client;
        SemanticTokens tokens = await client.RequestAsync<SemanticTokens>("textDocument/semanticTokens/full", new SemanticTokensParams(new TextDocumentIdentifier(uri)));
        var decoded = new Dictionary<(int, int), (int Length, string Type)>();
        int line = 0, character = 0;
        for (int i = 0; i < tokens.Data.Length; i += 5)
        {
            line += tokens.Data[i];
            character = tokens.Data[i] == 0 ? character + tokens.Data[i + 1] : tokens.Data[i + 1];
            decoded[(line, character)] = (tokens.Data[i + 2], OwnerLanguageServer.TokenTypes[tokens.Data[i + 3]]);
        }

        (int, int) Where(string needle, int into = 0) => Samples.Find(text, needle, into: into);
        decoded[Where("// retail-bank")].ShouldBe(("// retail-bank.owner — one policy per file".Length, "comment"));
        decoded[Where("policy RetailBank")].ShouldBe((6, "keyword"));
        decoded[Where("segment Affluent", 8)].ShouldBe((8, "class"));
        decoded[Where("owner Sales", 6)].ShouldBe((5, "interface"));
        decoded[Where("stages Prospect", 7)].ShouldBe((8, "enumMember"));
        decoded[Where("\"Investable")].ShouldBe(("\"Investable assets of 250k or more\"".Length, "string"));
        decoded[Where("250000")].ShouldBe((6, "number"));
        decoded[Where("where assets", 6)].ShouldBe((6, "property"));
        decoded[Where("via Email", 4)].ShouldBe((5, "event"));
    }

    [Fact]
    public async Task Requests_on_an_unknown_document_fail_with_invalid_params()
    {
        await using LspClient client = await LspClient.StartAsync();
        // StreamJsonRpc surfaces InvalidParams (-32602) as RemoteMethodNotFoundException.
        RemoteMethodNotFoundException error = await Should.ThrowAsync<RemoteMethodNotFoundException>(
            () => client.RequestAsync<Hover>("textDocument/hover", LspClient.At("untitled:never-opened", 0, 0)));
        error.ErrorCode.ShouldBe(StreamJsonRpc.Protocol.JsonRpcErrorCode.InvalidParams);
        error.Message.ShouldBe("unknown document 'untitled:never-opened': open it first");
    }

    [Fact]
    public async Task A_cancelled_request_answers_request_cancelled_and_the_server_goes_on()
    {
        var (client, uri, text) = await OpenAsync("retail-bank.owner");
        await using var _ = client;
        using var cancel = new CancellationTokenSource();
        // Many requests in flight, all cancelled at once: each ends (answered or cancelled), none hangs.
        Task[] requests = [.. Enumerable.Range(0, 50).Select(_ => client.RequestAsync<JsonElement>("textDocument/semanticTokens/full", new SemanticTokensParams(new TextDocumentIdentifier(uri)), cancel.Token))];
        await cancel.CancelAsync();
        foreach (Task request in requests)
        {
            try
            {
                await request;
            }
            catch (OperationCanceledException)
            {
            }
        }

        (await HoverAsync(client, At(uri, text, "owner Sales", into: 7))).ShouldContain("owner Sales");
    }

    private static Task<CodeAction[]> ActionsAsync(LspClient client, string uri, string text, string needle)
    {
        (int line, _) = Samples.Find(text, needle);
        return client.RequestAsync<CodeAction[]>("textDocument/codeAction", new CodeActionParams(
            new TextDocumentIdentifier(uri), new Range(new Position(line, 0), new Position(line, 0)), new CodeActionContext([], null)));
    }

    /// <summary>Applies edits the way an editor does: from the last to the first.</summary>
    public static string Apply(string text, IEnumerable<TextEdit> edits)
    {
        var source = Text.SourceText.From(text);
        foreach (TextEdit edit in edits.OrderByDescending(e => e.Range.Start.Line).ThenByDescending(e => e.Range.Start.Character))
        {
            int start = Workspace.DocumentAnalysis.OffsetOf(source, edit.Range.Start);
            int end = Workspace.DocumentAnalysis.OffsetOf(source, edit.Range.End);
            text = text[..start] + edit.NewText + text[end..];
        }

        return text;
    }
}
