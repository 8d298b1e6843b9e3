using System.Diagnostics;
using System.Text.Json;
using AccountabilityDsl.LanguageServer.Tests.Infrastructure;
using AccountabilityDsl.Testing;

namespace AccountabilityDsl.LanguageServer.Tests;

/// <summary>
/// A real editor as the client: Debian's Neovim, headless, starts the real <c>ownerc lsp</c>
/// (ownerc.dll built next to these tests) through its built-in LSP client and runs
/// Neovim/lsp-session.lua, which writes what it got to a JSON file asserted on here.
/// </summary>
public class NeovimTests
{
    [SkippableFact]
    [Trait("Category", "Slow")]
    public async Task Neovim_gets_diagnostics_hover_definition_references_completion_and_applies_a_quick_fix()
    {
        string nvim = RequiredTool.Find("nvim", "neovim");
        using var folder = new TempFolder();
        string policy = folder.Write("bank.owner", Samples.Read("retail-bank.owner").Replace("approved by Sales,", "approved by Saless,"));
        string output = Path.Combine(folder.Path, "report.json");
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        string ownerc = Path.Combine(AppContext.BaseDirectory, "ownerc.dll");

        var start = new ProcessStartInfo(nvim)
        {
            ArgumentList = { "--headless", "--clean", "-c", "luafile " + Path.Combine(AppContext.BaseDirectory, "Neovim", "lsp-session.lua") },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder.Path,
        };
        start.Environment["OWNER_NVIM_OUT"] = output;
        start.Environment["OWNER_NVIM_POLICY"] = policy;
        start.Environment["OWNER_NVIM_CMD"] = JsonSerializer.Serialize(new[] { dotnet, ownerc, "lsp" });
        using Process process = Process.Start(start)!;
        process.StandardInput.Close();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("neovim did not finish in 120 s: " + await stderr);
        }

        File.Exists(output).ShouldBeTrue($"neovim wrote no report; stderr: {await stderr} stdout: {await stdout}");
        using JsonDocument report = JsonDocument.Parse(File.ReadAllText(output));
        JsonElement root = report.RootElement;
        root.GetProperty("errors").GetArrayLength().ShouldBe(0, root.GetProperty("errors").ToString());
        root.GetProperty("first_diagnostics_arrived").GetBoolean().ShouldBeTrue();

        JsonElement diagnostic = root.GetProperty("first_diagnostics").GetProperty("diagnostics").EnumerateArray().ShouldHaveSingleItem();
        diagnostic.GetProperty("code").GetString().ShouldBe("OWN0002");
        diagnostic.GetProperty("message").GetString().ShouldBe("unknown owner 'Saless'; did you mean 'Sales'?");
        string page = new Uri(diagnostic.GetProperty("codeDescription").GetProperty("href").GetString()!).LocalPath;
        page.ShouldEndWith("/docs/rules/OWN0002.md");
        File.Exists(page).ShouldBeTrue(page);
        root.GetProperty("neovim_diagnostics")[0].GetProperty("code").GetString().ShouldBe("OWN0002");

        root.GetProperty("hover").GetProperty("contents").GetProperty("value").GetString()!.ShouldContain("- MassMarket at Onboarding..Active");
        string text = File.ReadAllText(policy);
        int ownerLine = Samples.Find(text, "owner Sales").Line;
        root.GetProperty("definition")[0].GetProperty("range").GetProperty("start").GetProperty("line").GetInt32().ShouldBe(ownerLine);
        root.GetProperty("references").GetArrayLength().ShouldBe(3); // the declaration, `accountable Sales` and `offer Remortgage by Sales` (the other use is misspelt)
        root.GetProperty("completion").GetProperty("items").EnumerateArray().Select(i => i.GetProperty("label").GetString())
            .ShouldBe(["Email", "DirectMail", "CallCentre"], ignoreOrder: true);

        root.GetProperty("code_actions").EnumerateArray().Select(a => a.GetString()).ShouldContain("Change to 'Sales'");
        root.GetProperty("applied").GetBoolean().ShouldBeTrue();
        root.GetProperty("diagnostics_after_edit_arrived").GetBoolean().ShouldBeTrue();
        root.GetProperty("final_text").GetString()!.ShouldContain("approved by Sales, AffluentSegmentManager");
        root.GetProperty("server_stopped").GetBoolean().ShouldBeTrue();
    }
}
