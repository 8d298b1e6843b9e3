using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace AccountabilityDsl.LanguageServer.Tests;

/// <summary>The real <c>ownerc lsp</c> process over stdio: LSP framing on the console streams, and its exit codes.</summary>
public class StdioTests
{
    private static string Frame(string json) => $"Content-Length: {Encoding.UTF8.GetByteCount(json)}\r\n\r\n{json}";

    /// <summary>
    /// Runs <c>ownerc lsp</c> on the input, then sends <paramref name="then"/> (when given) once the
    /// output contains <paramref name="waitFor"/>. By default that is <c>exit</c> after the answer to
    /// <c>shutdown</c>, as a well-behaved client does.
    /// </summary>
    private static Task<(int ExitCode, string Stdout)> RunAsync(string input, bool closeInput, string? exit = null) =>
        RunAsync(input, closeInput, ShutdownAnswer, exit);

    private static async Task<(int ExitCode, string Stdout)> RunAsync(string input, bool closeInput, string waitFor, string? then)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "ownerc.dll"), "lsp" },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        };
        using Process process = Process.Start(start)!;
        var output = new StringBuilder();
        Task stdout = Task.Run(async () =>
        {
            var buffer = new char[4096];
            for (int n; (n = await process.StandardOutput.ReadAsync(buffer)) > 0;)
            {
                lock (output)
                {
                    output.Append(buffer, 0, n);
                }
            }
        });
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(input);
        await process.StandardInput.FlushAsync();
        if (then is not null)
        {
            using var answered = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (!Received(output, waitFor))
            {
                await Task.Delay(10, answered.Token);
            }

            await process.StandardInput.WriteAsync(then);
            await process.StandardInput.FlushAsync();
        }

        if (closeInput)
        {
            process.StandardInput.Close();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("ownerc lsp did not exit");
        }

        (await stderr).ShouldBeEmpty();
        await stdout;
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }

    private const string ShutdownAnswer = "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":null}";

    private static bool Received(StringBuilder output, string text)
    {
        lock (output)
        {
            return output.ToString().Contains(text, StringComparison.Ordinal);
        }
    }

    [Fact]
    [Trait("Category", "Slow")]
    public Task Shutdown_then_exit_ends_the_process_with_0_even_while_stdin_stays_open() =>
        InitializeShutdownAndExitAnswersAsync(leadingBytes: "");

    /// <summary>A client writing through a UTF-8 writer that emits a BOM (PowerShell, Encoding.UTF8) still gets answers.</summary>
    [Fact]
    [Trait("Category", "Slow")]
    public Task A_byte_order_mark_before_the_first_message_is_skipped() =>
        InitializeShutdownAndExitAnswersAsync(leadingBytes: "\uFEFF");

    /// <summary>A whole session (initialize, initialized, shutdown, exit) with stdin left open: answered, exit code 0.</summary>
    private static async Task InitializeShutdownAndExitAnswersAsync(string leadingBytes)
    {
        (int exitCode, string stdout) = await RunAsync(
            leadingBytes
            + Frame("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}""")
            + Frame("""{"jsonrpc":"2.0","method":"initialized","params":{}}""")
            + Frame("""{"jsonrpc":"2.0","id":2,"method":"shutdown"}"""),
            closeInput: false,
            exit: Frame("""{"jsonrpc":"2.0","method":"exit"}"""));
        exitCode.ShouldBe(0);
        stdout.ShouldStartWith("Content-Length: ");
        stdout.ShouldContain("\"serverInfo\":{\"name\":\"ownerc\"");
        stdout.ShouldContain(ShutdownAnswer);
    }

    /// <summary>Text piped in by hand, or a body that is not JSON: one line saying so, exit 1, no exception names.</summary>
    [Theory]
    [Trait("Category", "Slow")]
    [InlineData("garbage\r\n\r\n", "ownerc: error: ownerc lsp: the input is not a Language Server Protocol message header (Colon not found in header); editors start 'ownerc lsp' and speak LSP to it (docs/editors.md)\n")]
    [InlineData("Content-Length: 5\r\n\r\nxxxxx", "ownerc: error: ownerc lsp: a message's content is not JSON ('x' is an invalid start of a value); editors start 'ownerc lsp' and speak LSP to it (docs/editors.md)\n")]
    public async Task Input_that_is_not_LSP_is_one_clear_error_and_exit_1(string input, string expected)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "ownerc.dll"), "lsp" },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        (process.ExitCode, await stdout, (await stderr).ReplaceLineEndings("\n")).ShouldBe((1, "", expected));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task An_editor_that_goes_away_without_shutdown_ends_the_process_with_1()
    {
        (int exitCode, _) = await RunAsync(Frame("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"""), closeInput: true);
        exitCode.ShouldBe(1);
    }

    /// <summary>
    /// Opens a policy of 3,000 owners, segments and accountabilities: formatting it or listing its
    /// tokens takes long enough that <c>exit</c>, sent right behind the request, is read first.
    /// </summary>
    private static string OpenLargePolicy(string uri)
    {
        var text = new StringBuilder("policy Large\nattribute assets: int\nstages A -> B -> C\n");
        const int count = 3000;
        for (int i = 0; i < count; i++)
        {
            text.Append($"owner O{i}\n");
        }

        for (int i = 0; i < count; i++)
        {
            text.Append($"segment S{i} where assets >= {i * 10} and assets < {(i * 10) + 10}\n");
        }

        for (int i = 0; i < count; i++)
        {
            text.Append($"accountable O{i} for S{i} at A..C\n");
        }

        return Frame(JsonSerializer.Serialize(new
        {
            jsonrpc = "2.0",
            method = "textDocument/didOpen",
            @params = new { textDocument = new { uri, languageId = "owner", version = 1, text = text.ToString() } },
        }));
    }

    private static string Request(int id, string method, string uri) =>
        Frame(JsonSerializer.Serialize(new
        {
            jsonrpc = "2.0",
            id,
            method,
            @params = new { textDocument = new { uri }, options = new { tabSize = 4, insertSpaces = true } },
        }));

    private static readonly string Initialize =
        Frame("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}""")
        + Frame("""{"jsonrpc":"2.0","method":"initialized","params":{}}""");

    /// <summary>
    /// The server has compiled the opened policy: requests sent after it only do their own work,
    /// which is what an early exit could cut short.
    /// </summary>
    private const string Published = "\"method\":\"textDocument/publishDiagnostics\"";

    private static readonly string Exit = Frame("""{"jsonrpc":"2.0","method":"exit"}""");

    /// <summary>Where in the output the answer to request <paramref name="id"/> starts (-1: never answered).</summary>
    private static int AnswerAt(string stdout, int id) =>
        Regex.Match(stdout, $$"""\{"jsonrpc":"2.0","id":{{id}},"(result|error)":""") is { Success: true } m ? m.Index : -1;

    /// <summary>The answers in the output, in order (a failure message; the output itself is megabytes).</summary>
    private static string Answers(string stdout) => "answered: " + string.Join(", ",
        Regex.Matches(stdout, """\{"jsonrpc":"2.0","id":(\d+),"(result|error)":""").Select(m => $"{m.Groups[1].Value} ({m.Groups[2].Value})"));

    /// <summary>
    /// Requests sent right before <c>shutdown</c> and <c>exit</c>, all in one write with stdin left
    /// open, are answered before <c>shutdown</c> is, and the process ends with 0 only after that:
    /// <c>exit</c> must not drop answers still being computed or written.
    /// </summary>
    [Fact]
    [Trait("Category", "Slow")]
    public async Task Requests_sent_just_before_shutdown_and_exit_are_answered_before_the_process_ends()
    {
        const string uri = "file:///tmp/orderly-exit/large.owner";
        (int exitCode, string stdout) = await RunAsync(
            Initialize + OpenLargePolicy(uri),
            closeInput: false,
            waitFor: Published,
            then: Request(2, "textDocument/semanticTokens/full", uri)
                + Request(3, "textDocument/formatting", uri)
                + Frame("""{"jsonrpc":"2.0","id":4,"method":"shutdown"}""")
                + Exit);
        exitCode.ShouldBe(0);
        int tokens = AnswerAt(stdout, 2), formatting = AnswerAt(stdout, 3), shutdown = AnswerAt(stdout, 4);
        tokens.ShouldBeGreaterThan(0, Answers(stdout));
        formatting.ShouldBeGreaterThan(0, Answers(stdout));
        stdout.ShouldContain("""{"jsonrpc":"2.0","id":2,"result":{"data":[""");
        stdout.ShouldContain("""{"jsonrpc":"2.0","id":3,"result":[""");
        stdout.ShouldContain("""{"jsonrpc":"2.0","id":4,"result":null}""");
        // The answer to shutdown says the server is done: nothing it still owes comes after it.
        shutdown.ShouldBeGreaterThan(Math.Max(tokens, formatting), Answers(stdout));
    }

    /// <summary><c>exit</c> without <c>shutdown</c> still answers what is pending, then ends with 1.</summary>
    [Fact]
    [Trait("Category", "Slow")]
    public async Task Exit_without_shutdown_answers_pending_requests_and_ends_with_1()
    {
        const string uri = "file:///tmp/abrupt-exit/large.owner";
        (int exitCode, string stdout) = await RunAsync(
            Initialize + OpenLargePolicy(uri),
            closeInput: false,
            waitFor: Published,
            then: Request(2, "textDocument/semanticTokens/full", uri) + Exit);
        exitCode.ShouldBe(1);
        AnswerAt(stdout, 2).ShouldBeGreaterThan(0, Answers(stdout));
        stdout.ShouldContain("""{"jsonrpc":"2.0","id":2,"result":{"data":[""");
    }

    /// <summary>LSP: a request after <c>shutdown</c> is refused with InvalidRequest (-32600), not served.</summary>
    [Fact]
    [Trait("Category", "Slow")]
    public async Task A_request_after_shutdown_is_refused_as_an_invalid_request()
    {
        const string uri = "file:///tmp/after-shutdown/large.owner";
        (int exitCode, string stdout) = await RunAsync(
            Initialize
            + OpenLargePolicy(uri)
            + Frame("""{"jsonrpc":"2.0","id":2,"method":"shutdown"}""")
            + Request(3, "textDocument/documentSymbol", uri),
            closeInput: false,
            exit: Exit);
        exitCode.ShouldBe(0);
        Match refused = Regex.Match(stdout, """\{"jsonrpc":"2.0","id":3,"error":\{"code":(-?\d+)""");
        refused.Success.ShouldBeTrue(Answers(stdout));
        refused.Groups[1].Value.ShouldBe("-32600");
    }
}
