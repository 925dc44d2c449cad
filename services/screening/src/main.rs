use clap::Parser;
use screening::config::Config;
use screening::startup::Application;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    service_kit::telemetry::init(std::io::stdout);
    let config = Config::parse();
    let application = Application::build(config).await?;
    application
        .run_until_stopped(service_kit::shutdown_signal())
        .await
}
