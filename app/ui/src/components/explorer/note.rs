//! The explorer's short explanations, hidden with its Notes panel.

use leptos::prelude::*;

use super::state::ExplorerState;
use crate::view_state::Panel;

/// A short explanation beside a control (hidden with the Notes panel).
#[component]
pub fn Note(children: Children) -> impl IntoView {
    let state = expect_context::<ExplorerState>();
    view! {
        <p class="note explain" class:hidden=move || state.view.with(|v| v.hides(Panel::Notes))>{children()}</p>
    }
}
