using AccountabilityDsl.LanguageServer.Protocol;
using AccountabilityDsl.LanguageServer.Tests.Infrastructure;
using Range = AccountabilityDsl.LanguageServer.Protocol.Range;

namespace AccountabilityDsl.LanguageServer.Tests;

/// <summary>A policy of several files (their headers name the same policy): one compilation, as <c>ownerc check</c> makes it.</summary>
public class MultiFileTests
{
    private const string Declarations = """
        policy Split namespace Contoso.Split

        attribute assets: decimal
        segment Rich where assets >= 1000
        segment Rest where assets < 1000
        stages Prospect -> Active
        owner Sales
        owner Service

        """;

    private const string Assignments = """
        policy Split

        accountable Sales for * at Prospect
        accountable Sales for Rich at Active
        accountable Service for Rest at Active

        """;

    [Fact]
    public async Task Names_resolve_across_files_and_rename_edits_every_file()
    {
        using var folder = new TempFolder();
        string declarations = folder.Write("declarations.owner", Declarations);
        string assignments = folder.Write("assignments.owner", Assignments);
        await using LspClient client = await LspClient.StartAsync(folder.Path);
        string declarationsUri = LspClient.UriOf(declarations), assignmentsUri = LspClient.UriOf(assignments);
        (await client.DiagnosticsAsync(declarationsUri)).Diagnostics.ShouldBeEmpty();
        (await client.DiagnosticsAsync(assignmentsUri)).Diagnostics.ShouldBeEmpty();

        string uri = await client.OpenAsync(assignments, Assignments);
        (int line, int character) = Samples.Find(Assignments, "accountable Service", into: 13);
        Location definition = (await client.RequestAsync<Location[]>("textDocument/definition", LspClient.At(uri, line, character))).ShouldHaveSingleItem();
        definition.Uri.ShouldBe(declarationsUri);
        definition.Range.Start.Line.ShouldBe(Samples.Find(Declarations, "owner Service").Line);

        WorkspaceEdit edit = await client.RequestAsync<WorkspaceEdit>("textDocument/rename", new RenameParams(new TextDocumentIdentifier(uri), new Position(line, character), "CustomerService"));
        edit.Changes.Keys.ShouldBe([assignmentsUri, declarationsUri], ignoreOrder: true);
        FeatureTests.Apply(Declarations, edit.Changes[declarationsUri]).ShouldContain("owner CustomerService\n");
        FeatureTests.Apply(Assignments, edit.Changes[assignmentsUri]).ShouldContain("accountable CustomerService for Rest");

        string hover = (await client.RequestAsync<Hover>("textDocument/hover", LspClient.At(uri, line, character))).Contents.Value;
        hover.ShouldContain("- Rest at Active");
    }

    [Fact]
    public async Task An_edit_in_one_file_republishes_the_diagnostics_of_the_others()
    {
        using var folder = new TempFolder();
        string declarations = folder.Write("declarations.owner", Declarations);
        string assignments = folder.Write("assignments.owner", Assignments);
        await using LspClient client = await LspClient.StartAsync(folder.Path);
        string declarationsUri = LspClient.UriOf(declarations);
        (await client.DiagnosticsAsync(declarationsUri)).Diagnostics.ShouldBeEmpty();

        // Remove the only use of Service: the other file's owner becomes unused, and Rest a vacuum at Active.
        string uri = await client.OpenAsync(assignments, Assignments);
        (int line, _) = Samples.Find(Assignments, "accountable Service");
        await client.ChangeAsync(uri, new Range(new Position(line, 0), new Position(line + 1, 0)), "");
        PublishDiagnosticsParams other = await client.DiagnosticsAsync(declarationsUri, p => p.Diagnostics.Length > 0);
        other.Version.ShouldBeNull();
        other.Diagnostics.Select(d => d.Code).ShouldBe(["OWN0101", "OWN0301"], ignoreOrder: true);
        other.Diagnostics.Single(d => d.Code == "OWN0301").Message.ShouldStartWith("owner 'Service' is declared but never used");
    }
}
