using System.Diagnostics;
using System.Text;

namespace AccountabilityDsl.LanguageServer.Tests;

/// <summary>The real <c>ownerc lsp</c> process over stdio: LSP framing on the console streams, and its exit codes.</summary>
public class StdioTests
{
    private static string Frame(string json) => $"Content-Length: {Encoding.UTF8.GetByteCount(json)}\r\n\r\n{json}";

    /// <summary>
    /// Runs <c>ownerc lsp</c> on the input. As a client must, <c>exit</c> (when <paramref name="exit"/>
    /// is given) is sent only once the answer to <c>shutdown</c> has arrived: the server may end
    /// its process as soon as it reads <c>exit</c>, before answers still being written.
    /// </summary>
    private static async Task<(int ExitCode, string Stdout)> RunAsync(string input, bool closeInput, string? exit = null)
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
        if (exit is not null)
        {
            using var answered = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (!Received(output, ShutdownAnswer))
            {
                await Task.Delay(10, answered.Token);
            }

            await process.StandardInput.WriteAsync(exit);
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

    [Fact]
    [Trait("Category", "Slow")]
    public async Task An_editor_that_goes_away_without_shutdown_ends_the_process_with_1()
    {
        (int exitCode, _) = await RunAsync(Frame("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"""), closeInput: true);
        exitCode.ShouldBe(1);
    }
}
