using System.Text.Json;
using AccountabilityDsl.LanguageServer.Protocol;
using AccountabilityDsl.LanguageServer.Tests.Infrastructure;
using Range = AccountabilityDsl.LanguageServer.Protocol.Range;

namespace AccountabilityDsl.LanguageServer.Tests;

/// <summary>
/// Half-typed text never crashes or stalls the server: each sample is typed into an empty
/// document one character at a time, and at every prefix every kind of request is asked at
/// the caret. Every request must answer (a result, never an error), and at the end the
/// diagnostics are those of the whole sample.
/// </summary>
public class TypingTests
{
    public static TheoryData<string> SampleNames => DiagnosticsTests.SampleNames;

    [Theory]
    [Trait("Category", "Slow")]
    [MemberData(nameof(SampleNames))]
    public async Task Every_request_answers_at_every_prefix_of_the_sample(string sample)
    {
        string text = File.ReadAllText(Samples.Path_(sample)).ReplaceLineEndings("\n");
        await using LspClient client = await LspClient.StartAsync();
        string uri = await client.OpenAsync(Path.Combine(Path.GetTempPath(), "typing", sample), "");
        var document = new TextDocumentIdentifier(uri);
        int line = 0, character = 0;
        for (int i = 0; i < text.Length; i++)
        {
            var caret = new Position(line, character);
            await client.ChangeAsync(uri, new Range(caret, caret), text[i].ToString());
            (line, character) = text[i] == '\n' ? (line + 1, 0) : (line, character + 1);
            var at = new TextDocumentPositionParams(document, new Position(line, character));
            Task[] answers =
            [
                client.RequestAsync<JsonElement>("textDocument/hover", at),
                client.RequestAsync<JsonElement>("textDocument/completion", new CompletionParams(document, at.Position, null)),
                client.RequestAsync<JsonElement>("textDocument/definition", at),
                client.RequestAsync<JsonElement>("textDocument/references", new ReferenceParams(document, at.Position, new ReferenceContext(true))),
                client.RequestAsync<JsonElement>("textDocument/codeAction", new CodeActionParams(document, new Range(new Position(line, 0), at.Position), new CodeActionContext([], null))),
                client.RequestAsync<JsonElement>("textDocument/semanticTokens/full", new SemanticTokensParams(document)),
                client.RequestAsync<JsonElement>("textDocument/documentSymbol", new DocumentSymbolParams(document)),
                client.RequestAsync<JsonElement>("textDocument/formatting", new DocumentFormattingParams(document, null)),
            ];
            await Task.WhenAll(answers);
        }

        PublishDiagnosticsParams final = await client.DiagnosticsAsync(uri);
        final.Diagnostics.Select(d => d.Code).ShouldBe(PolicyCompilation.Create(text).Diagnostics.Select(d => d.Id));
        client.Log.ShouldBeEmpty();
    }
}
