from skill.alexa.entry import handle_event

handler = handle_event
