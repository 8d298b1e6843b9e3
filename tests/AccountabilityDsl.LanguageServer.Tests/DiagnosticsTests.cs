using System.Text.Json;
using AccountabilityDsl.Cli;
using AccountabilityDsl.LanguageServer.Protocol;
using AccountabilityDsl.LanguageServer.Tests.Infrastructure;
using Range = AccountabilityDsl.LanguageServer.Protocol.Range;

namespace AccountabilityDsl.LanguageServer.Tests;

/// <summary>Text sync and diagnostics: what the server publishes is what <c>ownerc check</c> reports.</summary>
public class DiagnosticsTests
{
    public static TheoryData<string> SampleNames => [.. Samples.All.Select(p => Path.GetRelativePath(Samples.Folder, p))];

    [Theory]
    [MemberData(nameof(SampleNames))]
    public async Task Published_diagnostics_are_those_of_ownerc_check(string sample)
    {
        await using LspClient client = await LspClient.StartAsync();
        string path = Samples.Path_(sample);
        string uri = await client.OpenAsync(path, File.ReadAllText(path));
        PublishDiagnosticsParams published = await client.DiagnosticsAsync(uri);

        var stdout = new StringWriter();
        CommandLine.Run(["check", path, "--format", "json"], stdout, new StringWriter());
        JsonElement[] expected = [.. JsonDocument.Parse(stdout.ToString()).RootElement.GetProperty("diagnostics").EnumerateArray()];

        published.Version.ShouldBe(1);
        published.Diagnostics.Select(Describe).ShouldBe(expected.Select(e =>
            $"{e.GetProperty("id").GetString()} {e.GetProperty("severity").GetString()} " +
            $"{e.GetProperty("line").GetInt32() - 1}:{e.GetProperty("column").GetInt32() - 1}-{e.GetProperty("endLine").GetInt32() - 1}:{e.GetProperty("endColumn").GetInt32() - 1} " +
            $"{e.GetProperty("message").GetString()} related={e.GetProperty("related").GetArrayLength()}"));
        foreach (Diagnostic diagnostic in published.Diagnostics)
        {
            diagnostic.Source.ShouldBe("ownerc");
            // The code links to the rule's page as it exists next to the server.
            string page = new Uri(diagnostic.CodeDescription!.Href).LocalPath;
            page.ShouldEndWith($"/docs/rules/{diagnostic.Code}.md");
            File.ReadAllText(page).ShouldBe(File.ReadAllText(Path.Combine(Samples.Root, "docs", "rules", diagnostic.Code + ".md")));
            foreach (DiagnosticRelatedInformation related in diagnostic.RelatedInformation ?? [])
            {
                related.Location.Uri.ShouldBe(uri);
            }
        }
    }

    private static string Describe(Diagnostic d)
    {
        string severity = d.Severity switch
        {
            DiagnosticSeverity.Error => "error",
            DiagnosticSeverity.Warning => "warning",
            _ => "suggestion",
        };
        return $"{d.Code} {severity} {d.Range.Start.Line}:{d.Range.Start.Character}-{d.Range.End.Line}:{d.Range.End.Character} {d.Message} related={d.RelatedInformation?.Length ?? 0}";
    }

    [Fact]
    public async Task Incremental_edits_apply_in_order_and_republish()
    {
        await using LspClient client = await LspClient.StartAsync();
        string text = Samples.Read("retail-bank.owner");
        string uri = await client.OpenAsync(Path.Combine(Path.GetTempPath(), "edited.owner"), text);
        (await client.DiagnosticsAsync(uri)).Diagnostics.ShouldBeEmpty();

        // Misspell the owner in one line, one character at a time: "Sales" -> "Saless" -> "Sallss".
        (int line, int character) = Samples.Find(text, "accountable Sales", into: "accountable Sales".Length);
        await client.ChangeAsync(uri, new Range(new Position(line, character), new Position(line, character)), "s");
        await client.ChangeAsync(uri, new Range(new Position(line, character - 2), new Position(line, character - 1)), "l");
        PublishDiagnosticsParams published = await client.DiagnosticsAsync(uri);
        Diagnostic unknown = published.Diagnostics.ShouldHaveSingleItem();
        unknown.Code.ShouldBe("OWN0002");
        unknown.Message.ShouldBe("unknown owner 'Sallss'; did you mean 'Sales'?");
        unknown.Range.ShouldBe(new Range(new Position(line, character - 5), new Position(line, character + 1)));

        // A full-text change (no range) replaces the document.
        await client.ChangeAsync(uri, null, text);
        (await client.DiagnosticsAsync(uri)).Diagnostics.ShouldBeEmpty();
    }

    [Fact]
    public async Task Editorconfig_severities_and_inline_suppressions_are_honoured()
    {
        using var folder = new TempFolder();
        string policy = Samples.Read("company-a.owner");
        folder.Write(".editorconfig", "root = true\n[*.owner]\nowner_diagnostic.OWN0103.severity = error\n");
        string path = folder.Write("a.owner", policy);

        await using LspClient client = await LspClient.StartAsync();
        string uri = await client.OpenAsync(path, policy);
        PublishDiagnosticsParams published = await client.DiagnosticsAsync(uri);
        published.Diagnostics.Select(d => (d.Code, d.Severity)).ShouldBe([("OWN0103", DiagnosticSeverity.Error), ("OWN0301", DiagnosticSeverity.Warning)]);

        await client.ChangeAsync(uri, null, policy.Replace("attribute region:", "// owner-disable-next-line OWN0301\nattribute region:"));
        (await client.DiagnosticsAsync(uri)).Diagnostics.Select(d => d.Code).ShouldBe(["OWN0103"]);
    }

    [Fact]
    public async Task Files_of_the_workspace_folder_get_diagnostics_without_being_opened()
    {
        using var folder = new TempFolder();
        string clean = folder.Write("clean.owner", Samples.Read("retail-bank.owner"));
        string broken = folder.Write(Path.Combine("nested", "broken.owner"), Samples.Read("company-c.owner"));
        folder.Write(Path.Combine(".hidden", "skipped.owner"), "not a policy");

        await using LspClient client = await LspClient.StartAsync(folder.Path);
        (await client.DiagnosticsAsync(LspClient.UriOf(clean))).Diagnostics.ShouldBeEmpty();
        PublishDiagnosticsParams nested = await client.DiagnosticsAsync(LspClient.UriOf(broken));
        nested.Version.ShouldBeNull();
        // One vacuum per segment without an owner at Lapsed: Starters, Regulars, Champions.
        nested.Diagnostics.Select(d => d.Code).ShouldBe(["OWN0101", "OWN0101", "OWN0101"]);
        client.PublishedFor(LspClient.UriOf(Path.Combine(folder.Path, ".hidden", "skipped.owner"))).ShouldBeEmpty();

        // Opened, the editor's text wins; closed again, the file's saved text counts.
        string uri = await client.OpenAsync(broken, Samples.Read("retail-bank.owner").Replace("policy RetailBank", "policy RetailBankCopy"));
        (await client.DiagnosticsAsync(uri)).Diagnostics.ShouldBeEmpty();
        await client.Rpc.NotifyWithParameterObjectAsync("textDocument/didClose", new { textDocument = new TextDocumentIdentifier(uri) });
        (await client.DiagnosticsAsync(uri, p => p.Version is null && p.Diagnostics.Length == 3)).Diagnostics[0].Code.ShouldBe("OWN0101");
    }

    [Fact]
    public async Task Closing_a_document_outside_the_workspace_clears_its_diagnostics()
    {
        await using LspClient client = await LspClient.StartAsync();
        string uri = await client.OpenAsync("/nonexistent/folder/x.owner", "policy P\nstages A\nowner O\naccountable Q for * at A\n");
        (await client.DiagnosticsAsync(uri)).Diagnostics.ShouldNotBeEmpty();
        await client.Rpc.NotifyWithParameterObjectAsync("textDocument/didClose", new { textDocument = new TextDocumentIdentifier(uri) });
        (await client.DiagnosticsAsync(uri, p => p.Version is null)).Diagnostics.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_burst_of_edits_is_compiled_once_for_the_last_text()
    {
        await using LspClient client = await LspClient.StartAsync(diagnosticsDelay: TimeSpan.FromMilliseconds(300));
        string uri = await client.OpenAsync("/tmp/burst.owner", "policy P\nstages A\nowner O\naccountable O for * at A\n");
        for (int i = 0; i < 20; i++)
        {
            await client.ChangeAsync(uri, new Range(new Position(3, 12), new Position(3, 12)), "x");
        }

        PublishDiagnosticsParams last = await client.DiagnosticsAsync(uri);
        last.Diagnostics.ShouldHaveSingleItem().Message.ShouldStartWith("unknown owner 'xxxxxxxxxxxxxxxxxxxxO'");
        // The opening text and the burst were each compiled once at most: no publication for an intermediate version.
        client.PublishedFor(uri).Select(p => p.Version).ShouldBeSubsetOf(new int?[] { 1, 21 });
    }

    [Fact]
    public async Task Shutdown_then_exit_ends_the_server_cleanly()
    {
        LspClient client = await LspClient.StartAsync();
        (await client.ShutdownAsync()).ShouldBeTrue();
        await client.DisposeAsync();
    }
}
