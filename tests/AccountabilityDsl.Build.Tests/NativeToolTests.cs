using System.Diagnostics;
using System.Text;
using AccountabilityDsl.Build.Tests.Infrastructure;
using AccountabilityDsl.Testing;

namespace AccountabilityDsl.Build.Tests;

/// <summary>
/// The installed <c>ownerc</c> of this platform is one native executable (Native AOT, docs/cli.md
/// "How the tool is built") that forwards the commands it cannot run to the managed build
/// shipped beside it. Every command line here runs through both, the native executable and that
/// managed <c>ownerc.dll</c> (through <c>dotnet exec</c>), and must give the same bytes on
/// stdout and stderr and the same exit code. Packing the native tool needs a C toolchain: clang.
/// </summary>
[Collection(nameof(PackedFeedCollection))]
[Trait("Category", "Slow")]
public sealed class NativeToolTests(PackedFeed feed)
{
    private static readonly string[] Samples =
        [.. Directory.GetFiles(Path.Combine(DotNet.RepoRoot, "samples"), "*.owner").Select(Relative).Order(StringComparer.Ordinal), "samples/high-street-bank"];

    private static readonly string[] PolicyTests =
        [.. Directory.GetFiles(Path.Combine(DotNet.RepoRoot, "samples"), "*.owner-test").Select(Relative).Order(StringComparer.Ordinal),
            "tests/AccountabilityDsl.Cli.Tests/Fixtures/policy-tests/failing", "tests/AccountabilityDsl.Cli.Tests/Fixtures/policy-tests/contact-facts"];

    public static TheoryData<string> SampleNames => [.. Samples];

    [SkippableFact]
    public void The_installed_ownerc_is_a_native_executable_with_the_managed_build_beside_it()
    {
        InstalledTool tool = Tool();

        byte[] head = new byte[4];
        using (FileStream executable = File.OpenRead(tool.Native))
        {
            executable.ReadExactly(head);
        }

        head.ShouldBe(new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F' }, "the installed ownerc is a native executable, not an apphost for ownerc.dll");
        File.Exists(Path.Combine(tool.Folder, "ownerc.dll")).ShouldBeFalse("no managed entry assembly beside the native one");
        File.Exists(tool.Managed).ShouldBeTrue("the managed companion is in managed/");
        Directory.GetFiles(tool.Folder, "*.dll").ShouldBeEmpty("the short commands need no managed assembly");

        ToolRun version = tool.RunNative(DotNet.RepoRoot, "--version");
        version.ExitCode.ShouldBe(0);
        version.Stdout.ShouldBe($"ownerc {feed.Version}\n");
    }

    [SkippableTheory]
    [MemberData(nameof(SampleNames))]
    public void Check_fmt_and_matrix_print_the_same_as_the_managed_build(string sample)
    {
        InstalledTool tool = Tool();
        foreach (string[] args in new string[][]
        {
            ["check", sample],
            ["check", sample, "--format", "json"],
            ["check", sample, "--format", "sarif"],
            ["check", sample, "--format", "msbuild"],
            ["fmt", sample, "--check"],
            ["matrix", sample],
            ["matrix", sample, "--format", "html"],
        })
        {
            tool.ShouldAgree(DotNet.RepoRoot, args);
        }
    }

    [SkippableFact]
    public void Test_diff_explain_help_and_generate_print_the_same_as_the_managed_build()
    {
        InstalledTool tool = Tool();
        foreach (string policyTests in PolicyTests)
        {
            tool.ShouldAgree(DotNet.RepoRoot, "test", policyTests);
            tool.ShouldAgree(DotNet.RepoRoot, "test", policyTests, "--format", "junit");
        }

        tool.ShouldAgree(DotNet.RepoRoot, "diff", "samples/company-a.owner", "samples/company-b.owner");
        tool.ShouldAgree(DotNet.RepoRoot, "diff", "samples/company-a.owner", "samples/company-b.owner", "--format", "json");
        tool.ShouldAgree(DotNet.RepoRoot, "explain", "samples/retail-bank.owner", "--customer", "assets=300000,tenure_years=2,owns_boat=true,region=North");
        tool.ShouldAgree(DotNet.RepoRoot, "explain", "samples/retail-bank.owner", "--segment", "Affluent", "--stage", "Active");
        tool.ShouldAgree(DotNet.RepoRoot, "check", "samples/company-c.owner", "tests/AccountabilityDsl.Cli.Tests/Fixtures/errors/conflict.owner");
        tool.ShouldAgree(DotNet.RepoRoot, "check", "tests/AccountabilityDsl.Cli.Tests/Fixtures/errors/mistakes.owner", "--format", "sarif");
        tool.ShouldAgree(DotNet.RepoRoot, "--help");
        tool.ShouldAgree(DotNet.RepoRoot, "help", "check");
        tool.ShouldAgree(DotNet.RepoRoot, "help", "OWN0101");
        tool.ShouldAgree(DotNet.RepoRoot, "help", "OWN9999");

        // generate writes files: the same command line in turn, into the same folder.
        string output = Path.Combine(feed.Root, "native-generate");
        string[] generate = ["generate", "samples/retail-bank.owner", "samples/key-accounts.owner", "-o", output];
        ToolRun native = tool.RunNative(DotNet.RepoRoot, generate);
        native.ExitCode.ShouldBe(0, native.ToString());
        string[] nativeFiles = GeneratedFiles(output);
        Directory.Delete(output, recursive: true);
        ToolRun managed = tool.RunManaged(DotNet.RepoRoot, generate);
        native.ShouldBe(managed, "ownerc " + string.Join(' ', generate));
        nativeFiles.Length.ShouldBe(2);
        GeneratedFiles(output).ShouldBe(nativeFiles);
    }

    /// <summary>Each file's name and text, in name order.</summary>
    private static string[] GeneratedFiles(string folder) =>
        [.. Directory.GetFiles(folder).Order(StringComparer.Ordinal).Select(file => Path.GetFileName(file) + "\n" + File.ReadAllText(file))];

    [SkippableFact]
    public void Bad_input_and_bad_usage_fail_the_same_way_as_in_the_managed_build()
    {
        InstalledTool tool = Tool();
        string folder = Path.Combine(feed.Root, "native-bad-input");
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "latin1.owner"), [.. "policy Caf"u8, 0xE9, .. " namespace A.B\n"u8]);
        string fifo = Path.Combine(folder, "pipe.owner");
        Process.Start("mkfifo", [fifo]).WaitForExit();
        File.Exists(fifo).ShouldBeTrue("mkfifo made the FIFO");

        foreach ((string[] args, int exitCode) in new (string[], int)[]
        {
            ([], 2),
            (["check", "missing.owner"], 2),
            (["check", "latin1.owner"], 1),
            (["check", "pipe.owner"], 2),
            (["check", "latin1.owner", "--bogus"], 2),
            (["check", "latin1.owner", "--format", "xml"], 2),
            (["chekc", "."], 2),
            (["--version", "extra"], 2),
            (["fmt", "missing.owner", "--check"], 2),
        })
        {
            ToolRun native = tool.ShouldAgree(folder, args);
            native.ExitCode.ShouldBe(exitCode, native.ToString());
            native.Stderr.ShouldNotContain("   at ", customMessage: "no stack trace");
        }
    }

    [SkippableFact]
    public void The_commands_the_native_ownerc_forwards_run_in_the_managed_build()
    {
        InstalledTool tool = Tool();
        tool.ShouldAgree(DotNet.RepoRoot, "serve", "--help");
        tool.ShouldAgree(DotNet.RepoRoot, "lsp", "--help");
        tool.ShouldAgree(DotNet.RepoRoot, "ledger", "--help");
        tool.ShouldAgree(DotNet.RepoRoot, "ledger", "drop", "--sqlite", "x.db").ExitCode.ShouldBe(2);

        // A real ledger: created by the native ownerc (forwarded), verified by both.
        string folder = Path.Combine(feed.Root, "native-ledger");
        Directory.CreateDirectory(folder);
        ToolRun migrate = tool.RunNative(folder, "ledger", "migrate", "--sqlite", "contacts.db");
        migrate.ExitCode.ShouldBe(0, migrate.ToString());
        File.Exists(Path.Combine(folder, "contacts.db")).ShouldBeTrue();
        tool.ShouldAgree(folder, "ledger", "verify", "--sqlite", "contacts.db").ExitCode.ShouldBe(0);

        // The language server, forwarded, answers an initialize request on stdin, then shuts down.
        var start = new ProcessStartInfo(tool.Native, ["lsp"])
        {
            WorkingDirectory = DotNet.RepoRoot,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using Process lsp = Process.Start(start)!;
        Task<string> stderr = lsp.StandardError.ReadToEndAsync();
        lsp.StandardInput.Write(Frame("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}"""));
        lsp.StandardInput.Flush();
        Task<string> response = ReadMessage(lsp.StandardOutput);
        response.Wait(TimeSpan.FromMinutes(1)).ShouldBeTrue("the forwarded language server answers initialize");
        response.Result.ShouldContain("\"id\":1");
        response.Result.ShouldContain("\"capabilities\"");
        lsp.StandardInput.Write(Frame("""{"jsonrpc":"2.0","id":2,"method":"shutdown"}""") + Frame("""{"jsonrpc":"2.0","method":"exit"}"""));
        lsp.StandardInput.Close();
        if (!lsp.WaitForExit(TimeSpan.FromMinutes(1)))
        {
            lsp.Kill(entireProcessTree: true);
        }

        lsp.ExitCode.ShouldBe(0, stderr.Result);
    }

    /// <summary>One LSP message: its Content-Length header, then that many bytes (ASCII here).</summary>
    private static async Task<string> ReadMessage(StreamReader output)
    {
        int length = 0;
        for (string? line = await output.ReadLineAsync(); !string.IsNullOrEmpty(line); line = await output.ReadLineAsync())
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                length = int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        char[] body = new char[length];
        int read = 0;
        while (read < length && await output.ReadAsync(body.AsMemory(read)) is > 0 and var count)
        {
            read += count;
        }

        return new string(body, 0, read);
    }

    private static string Frame(string json) => $"Content-Length: {Encoding.UTF8.GetByteCount(json)}\r\n\r\n{json}";

    private static string Relative(string path) => Path.GetRelativePath(DotNet.RepoRoot, path).Replace('\\', '/');

    private InstalledTool Tool()
    {
        RequiredTool.Find("clang", "clang");
        return new InstalledTool(feed.InstalledTool);
    }
}

/// <summary>The native <c>ownerc</c> of an installed tool, and the managed build shipped beside it.</summary>
public sealed class InstalledTool(string native)
{
    public string Native { get; } = native;

    public string Folder => Path.GetDirectoryName(Native)!;

    public string Managed => Path.Combine(Folder, "managed", "ownerc.dll");

    public ToolRun RunNative(string workingDirectory, params string[] args) => ToolRun.Start(Native, workingDirectory, null, args);

    public ToolRun RunManaged(string workingDirectory, params string[] args) =>
        ToolRun.Start(ToolRun.DotnetHost, workingDirectory, null, ["exec", Managed, .. args]);

    /// <summary>Runs both; they must agree byte for byte. Returns the native run.</summary>
    public ToolRun ShouldAgree(string workingDirectory, params string[] args)
    {
        ToolRun native = RunNative(workingDirectory, args);
        ToolRun managed = RunManaged(workingDirectory, args);
        // The help links point at the rule pages next to whichever build runs: the native
        // executable's docs/rules, or managed/docs/rules. The rest is byte for byte.
        string managedPages = new Uri(Path.Combine(Folder, "managed", "docs", "rules") + "/").AbsoluteUri;
        string nativePages = new Uri(Path.Combine(Folder, "docs", "rules") + "/").AbsoluteUri;
        (managed with { Stdout = managed.Stdout.Replace(managedPages, nativePages), Stderr = managed.Stderr.Replace(managedPages, nativePages) })
            .ShouldBe(native, "ownerc " + string.Join(' ', args));
        return native;
    }
}

/// <summary>A finished run: exit code, and stdout and stderr apart, decoded from their exact bytes.</summary>
public sealed record ToolRun(int ExitCode, string Stdout, string Stderr)
{
    public static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    public override string ToString() => $"exit code {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";

    public static ToolRun Start(string executable, string workingDirectory, string? stdin, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["NO_COLOR"] = "1";
        using Process process = Process.Start(start)!;
        Task<byte[]> stdout = ReadAll(process.StandardOutput.BaseStream);
        Task<byte[]> stderr = ReadAll(process.StandardError.BaseStream);
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
        }

        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{executable} {string.Join(' ', args)} did not finish within 2 minutes");
        }

        process.WaitForExit();
        // Decoded without replacing invalid bytes silently: a difference in bytes is a difference here.
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        return new ToolRun(process.ExitCode, utf8.GetString(stdout.Result), utf8.GetString(stderr.Result));
    }

    private static async Task<byte[]> ReadAll(Stream stream)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
    }
}
