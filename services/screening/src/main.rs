use clap::Parser;
use screening::config::Config;
use screening::startup::Application;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config::parse();
    let _traces =
        service_kit::telemetry::init_traced(std::io::stdout, "screening", &config.traces)?;
    let application = Application::build(config).await?;
    application
        .run_until_stopped(service_kit::shutdown_signal())
        .await
}
